"""Two-step verification in a real browser (issue 17): a new reviewer logs in with the password,
is sent to set up an authenticator app, types the secret the page shows into the "app" (here:
the code computed from it), reaches the admin and works there; the next login asks for the code.
"""

from __future__ import annotations

import re
from base64 import b32decode

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.browser.helpers import SCREENSHOT_DIR, Audit, restore_role_groups
from tests.factories import TEST_PASSWORD, ReviewerFactory
from tests.two_factor import code_for_key, current_code


def log_in(page: Page, username: str, code: str = "") -> None:
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    if code:
        page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Log in").click()


def test_a_reviewer_sets_up_an_authenticator_app_at_first_login_then_uses_the_admin(page):
    restore_role_groups()
    reviewer = ReviewerFactory(username="rosa")
    audit = Audit("two-step")

    # The password alone leads to setting up the app, whatever admin page was asked for.
    log_in(page, "rosa")
    expect(page).to_have_url(re.compile(re.escape(reverse("staff_security:enrol")) + r"\?next="))
    expect(page.get_by_text("Reviewers and administrators must set up")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    page.goto(reverse("admin:conditions_condition_changelist"))
    expect(page).to_have_url(re.compile(re.escape(reverse("staff_security:enrol"))))
    audit(page, "enrol")

    # The person types the secret into their app; the app shows a code; they enter it.
    secret = b32decode(page.locator("#otp-secret").inner_text().replace(" ", ""))
    wrong = f"{(int(code_for_key(secret)) + 1) % 1_000_000:06d}"
    page.get_by_label("Code from your authenticator app").fill(wrong)
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.locator(".errorlist")).to_contain_text("That code does not match")
    # django-otp waits a second after a wrong code before it checks another.
    page.wait_for_timeout(1100)
    page.get_by_label("Code from your authenticator app").fill(code_for_key(secret))
    page.get_by_role("button", name="Confirm and turn on").click()

    # Back where they were going, with the admin working.
    expect(page).to_have_url(
        re.compile(re.escape(reverse("admin:conditions_condition_changelist")))
    )
    expect(page.locator(".messagelist")).to_contain_text("Two-step verification is set up")
    page.goto(reverse("admin:index"))
    page.get_by_role("link", name="Waiting for publication").click()
    expect(page.get_by_role("heading", name=re.compile("Waiting for publication"))).to_be_visible()
    page.get_by_role("link", name="Two-step verification").click()
    expect(page.get_by_text("Two-step verification is on for your account")).to_be_visible()

    # Logged out, the password alone is no longer enough; with the app's code it is.
    page.get_by_role("button", name="Log out").click()
    log_in(page, "rosa")
    expect(page.locator(".errorlist")).to_contain_text(
        "enter the 6-digit code from your authenticator app"
    )
    audit(page, "login-code-required")
    device = TOTPDevice.objects.get(user=reviewer, confirmed=True)
    log_in(page, "rosa", current_code(device))
    expect(page).to_have_url(re.compile(re.escape(reverse("admin:index")) + "$"))
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / "two-step-admin.png", full_page=True)
    audit.assert_no_violations()
