"""The privacy notice and the start page in the browser: axe-core at phone and desktop widths,
and screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.helpers import Audit


def test_the_privacy_notice_reads_well_and_passes_axe(page: Page, settings):
    audit = Audit("privacy")
    page.goto("/")
    expect(page.get_by_text(f"for {settings.ASSESSMENT_RETENTION_DAYS} days")).to_be_visible()
    audit(page, "start")
    page.get_by_role("link", name="How we use your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How we use your answers")
    for heading in ("Who runs this service", "Your rights", "Cookies"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    cookies = page.get_by_role("table")
    expect(cookies.get_by_role("row")).to_have_count(3)  # the header and two cookies
    expect(cookies).to_contain_text(settings.SESSION_COOKIE_NAME)
    expect(cookies).to_contain_text(settings.CSRF_COOKIE_NAME)
    audit(page, "privacy")
    audit.assert_no_violations()
