"""The curator's condition page in a real browser: it fits 1,280 px without sideways scrolling.

The page is measured on the seeded knowledge base, with the condition that has the most evidence
rows among the named conditions (systemic lupus erythematosus, 34 rows). The figures (page height,
inputs) are printed for the report; run with ``-s`` to see them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from conditions.models import Condition
from conditions.services import knowledge_base_load
from tests.browser.helpers import DESKTOP, SCREENSHOT_DIR
from tests.factories import TEST_PASSWORD, CuratorFactory

WIDEST_CONDITION = "systemic_lupus_erythematosus"


@pytest.fixture
def curator_page(browser, live_server, transactional_db, seeded_document) -> Iterator[Page]:
    """A curator logged in to the admin on the live server, with the seeded drafts loaded."""
    knowledge_base_load(document=seeded_document)
    curator = CuratorFactory()
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(curator.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    yield page
    context.close()


def page_figures(page: Page) -> dict[str, Any]:
    return page.evaluate(
        """() => {
            const root = document.scrollingElement;
            return {
                scrollWidth: root.scrollWidth,
                clientWidth: root.clientWidth,
                height: root.scrollHeight,
                inputs: document.querySelectorAll(
                    "form#condition_form input:not([type=hidden]), "
                    + "form#condition_form select, form#condition_form textarea"
                ).length,
                allInputs: document.querySelectorAll(
                    "form#condition_form input, form#condition_form select, "
                    + "form#condition_form textarea"
                ).length,
            };
        }"""
    )


def test_the_condition_page_fits_1280_pixels_without_sideways_scrolling(curator_page: Page):
    condition = Condition.objects.get(code=WIDEST_CONDITION)
    curator_page.goto(reverse("admin:conditions_condition_change", args=[condition.pk]))

    figures = page_figures(curator_page)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    curator_page.screenshot(path=SCREENSHOT_DIR / "admin-condition-1280.png", full_page=True)
    print(f"\ncondition page at 1280 px: {figures}")

    assert figures["scrollWidth"] <= figures["clientWidth"], figures
