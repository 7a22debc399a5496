"""Curator pages in a real browser: they fit 1,280 px without sideways scrolling.

The condition page is measured on the seeded knowledge base, with the condition that has the most
evidence rows among the named conditions (systemic lupus erythematosus, 34 rows). The figures
(page height, inputs) are printed for the report; run with ``-s`` to see them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from conditions.models import Condition
from conditions.services import knowledge_base_load
from tests.browser.helpers import DESKTOP, SCREENSHOT_DIR, log_in_to_admin, restore_role_groups
from tests.factories import (
    CuratorFactory,
    KnowledgeBaseVersionFactory,
    ReviewerFactory,
)

WIDEST_CONDITION = "systemic_lupus_erythematosus"


def logged_in(browser, live_server, user) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in_to_admin(page, user)
    page.wait_for_url("**/admin/")
    yield page
    context.close()


@pytest.fixture
def curator_page(browser, live_server, transactional_db, seeded_document) -> Iterator[Page]:
    """A curator logged in to the admin on the live server, with the seeded drafts loaded."""
    knowledge_base_load(document=seeded_document)
    restore_role_groups()
    yield from logged_in(browser, live_server, CuratorFactory())


@pytest.fixture
def reviewer_page(browser, live_server, transactional_db) -> Iterator[Page]:
    restore_role_groups()
    yield from logged_in(browser, live_server, ReviewerFactory())


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


def test_the_version_page_fits_1280_pixels(reviewer_page: Page, seeded_document):
    KnowledgeBaseVersionFactory(number=1, document=seeded_document)
    edited = copy.deepcopy(seeded_document)
    septic = next(c for c in edited["conditions"] if c["code"] == "septic_arthritis")
    septic["evidence"][0]["probability"] = 0.7
    septic["summary"] += " It needs treatment in hospital the same day."
    edited["findings"] = edited["findings"][1:]  # one finding retired (still cited: test only)
    version = KnowledgeBaseVersionFactory(number=2, document=edited, note="Three edits.")
    reviewer_page.goto(reverse("admin:conditions_knowledgebaseversion_change", args=[version.pk]))

    figures = page_figures(reviewer_page)
    reviewer_page.screenshot(path=SCREENSHOT_DIR / "admin-version-1280.png", full_page=True)
    print(f"\nversion page at 1280 px: {figures}")

    assert figures["scrollWidth"] <= figures["clientWidth"], figures
    assert reviewer_page.get_by_role("link", name="Download the knowledge base").is_visible()
