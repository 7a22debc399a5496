"""Change control in a real browser, end to end (issue 12).

A curator edits an evidence figure with a reason; the waiting list shows it with who, why and the
figure's source; the curator cannot publish; a reviewer (the second person) sees the change and
the test bench on the publish page and publishes; a patient's result through the API changes
accordingly. The case is the development vignette dev-24 (a 14-year-old who tripped and cannot
bear weight, expected slipped capital femoral epiphysis): with the figure for "cannot bear
weight" raised from 0.1 to 0.2, that condition ranks first instead of a broken hip.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from bench.services import clinical_vignettes_seed
from conditions.models import Evidence
from conditions.services import knowledge_base_seed
from tests.browser.helpers import DESKTOP, SCREENSHOT_DIR, log_in_to_admin, restore_role_groups
from tests.conftest import PROJECT_DIR
from tests.factories import CuratorFactory, ReviewerFactory

REASON = "Test: re-estimated for slips seen on the day of the injury"
DEV_24 = {
    "age": 14,
    "sex": "female",
    "duration_weeks": 3,
    "findings": {
        "pain_groin": True,
        "recent_trauma": True,
        "unable_to_bear_weight": True,
        "fever": False,
    },
}


@pytest.fixture
def curated(transactional_db, seeded_document, settings) -> Evidence:
    """The seeded knowledge base as start-up leaves it (drafts, published as version 1) and the
    development vignettes on the bench; returns the evidence row the curator will edit."""
    settings.RATELIMIT_ENABLE = False
    # An earlier live-server test's flush removed the groups migrations made.
    restore_role_groups()
    knowledge_base_seed(document=seeded_document, note="seeded for the test")
    cases = json.loads((PROJECT_DIR / "vignettes" / "development.json").read_text("utf-8"))
    clinical_vignettes_seed(cases=cases, reason="seeded for the test")
    return Evidence.objects.get(
        condition__code="slipped_capital_femoral_epiphysis",
        finding__code="unable_to_bear_weight",
        population="all",
    )


def logged_in(browser: Browser, live_server, user) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in_to_admin(page, user)
    expect(page).to_have_url(re.compile(re.escape(reverse("admin:index")) + "$"))
    yield page
    context.close()


@pytest.fixture
def curator(curated):
    return CuratorFactory(username="alice")


@pytest.fixture
def reviewer(curated):
    return ReviewerFactory(username="rita")


@pytest.fixture
def curator_page(browser, live_server, curator) -> Iterator[Page]:
    yield from logged_in(browser, live_server, curator)


@pytest.fixture
def reviewer_page(browser, live_server, reviewer) -> Iterator[Page]:
    yield from logged_in(browser, live_server, reviewer)


def assess(page: Page, answers: dict[str, Any]) -> dict[str, Any]:
    response = page.request.post("/api/v1/assessments", data=answers)
    assert response.ok, response.text()
    return response.json()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / f"curation-{name}.png", full_page=True)


def test_an_edit_with_a_reason_is_reviewed_on_the_bench_and_published_by_a_second_person(
    curated: Evidence, curator_page: Page, reviewer_page: Page
):
    before = assess(curator_page, DEV_24)
    assert before["knowledge_base_version"] == 1
    assert before["conditions"][0]["code"] == "hip_fracture"

    # The curator edits the figure; saving without a reason is refused.
    curator_page.goto(reverse("admin:conditions_evidence_change", args=[curated.pk]))
    curator_page.get_by_label("Probability").fill("0.2")
    curator_page.get_by_role("button", name="Save", exact=True).click()
    expect(curator_page.get_by_text("Enter the reason for this change")).to_be_visible()
    curator_page.get_by_label("Reason for this change").fill(REASON)
    curator_page.get_by_role("button", name="Save", exact=True).click()
    expect(curator_page.locator(".messagelist")).to_contain_text("was changed successfully")

    # The waiting list, from the admin's home page: field, old → new, who, why, the source.
    curator_page.goto(reverse("admin:index"))
    curator_page.get_by_role("link", name="Waiting for publication").click()
    row = curator_page.locator("#pending-changes tbody tr").filter(
        has_text="evidence[unable_to_bear_weight].probability"
    )
    expect(row).to_have_count(1)
    expect(row).to_contain_text("slipped_capital_femoral_epiphysis")
    expect(row.locator("td").nth(1)).to_have_text("0.1")
    expect(row.locator("td").nth(2)).to_have_text("0.2")
    expect(row).to_contain_text("alice")
    expect(row).to_contain_text(REASON)
    expect(row).to_contain_text("kennedy-2001-scfe-osteonecrosis")
    screenshot(curator_page, "waiting")

    # A curator cannot publish: the page says who can.
    curator_page.goto(reverse("admin:conditions_knowledgebaseversion_publish"))
    expect(curator_page.locator("#permission-refused")).to_have_text(
        "Only a reviewer can publish the knowledge base; ask a member of the Reviewers group."
    )

    # The reviewer reads the change and the test bench, and publishes.
    reviewer_page.goto(reverse("admin:conditions_knowledgebaseversion_changelist"))
    reviewer_page.get_by_role("link", name="Publish the knowledge base").click()
    expect(reviewer_page.locator("#pending-changes")).to_contain_text(REASON)
    figures = reviewer_page.get_by_role("table", name=re.compile("side by side"))
    expect(figures.get_by_role("row", name=re.compile("top-1"))).to_be_visible()
    expect(figures.get_by_role("row", name=re.compile("Emergencies missed"))).to_be_visible()
    changed = reviewer_page.get_by_role("table", name=re.compile("Cases whose first condition"))
    expect(changed.get_by_role("row", name=re.compile("dev-24"))).to_contain_text("Better")
    screenshot(reviewer_page, "publish")
    reviewer_page.get_by_label("Note").fill("SCFE: unable to bear weight 0.2 (alice's review)")
    reviewer_page.get_by_role("button", name="Publish version 2").click()
    expect(reviewer_page.locator(".messagelist")).to_contain_text("Published version 2")

    # A patient's result now comes from version 2, with the condition the vignette expects first.
    after = assess(reviewer_page, DEV_24)
    assert after["knowledge_base_version"] == 2
    assert after["conditions"][0]["code"] == "slipped_capital_femoral_epiphysis"
    assert after["triage"] == before["triage"] == "emergency"
