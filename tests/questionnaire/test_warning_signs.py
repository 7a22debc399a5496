"""Warning signs on the pages (triage-policy.md §3): yes / no for what people know from their
own experience, and a plainer follow-up when a temperature is "not sure"."""

from __future__ import annotations

import re

import pytest

from questionnaire.models import CompletedAssessment
from questionnaire.views import SESSION_ASSESSMENT_KEY, SESSION_RESULT_KEY
from tests.production.helpers import Walk, answer_pages, page_codes
from tests.questionnaire.test_flow import about_you

pytestmark = pytest.mark.django_db

KNOWN_FROM_EXPERIENCE = (
    "recent_trauma",
    "unable_to_bear_weight",
    "limp",
    "saddle_numbness_or_bladder_change",
)
FIRST = "questions_1"


def radios(page: str, code: str, step: str = FIRST) -> list[str]:
    """The values offered for one question of a page, in page order."""
    return re.findall(rf'name="{step}-{code}" value="([a-z_]+)"', page)


def first_page(client) -> tuple[str, list[str]]:
    page = client.get(f"/check/{FIRST}/").content.decode()
    return page, page_codes(page, FIRST)


def test_warning_signs_come_first_people_know_them_yes_or_no_a_temperature_may_be_not_sure(
    post_step, client, published
):
    post_step("about_you", about_you(age=60))
    page, codes = first_page(client)

    assert "fever" in codes
    assert "recent_trauma" in codes
    assert "These questions help us find out if you need help urgently." in page
    for code in KNOWN_FROM_EXPERIENCE:
        if code in codes:
            assert radios(page, code) == ["yes", "no"], code
    assert radios(page, "fever") == ["yes", "no", "not_sure"]
    # The follow-up is not on the page: it is asked on its own after a "not sure".
    assert "feels_hot_or_shivery" not in codes


def test_not_sure_to_a_fall_is_refused_with_a_clear_message_and_the_answers_kept(
    post_step, client, published
):
    post_step("about_you", about_you(age=75))
    _page, codes = first_page(client)
    answers = dict.fromkeys(codes, "no") | {"recent_trauma": "not_sure", "fever": "yes"}

    response = post_step(FIRST, answers)
    assert response.status_code == 302
    assert response["Location"] == f"/check/{FIRST}/"
    page = client.get(response["Location"]).content.decode()

    assert "There is a problem" in page
    assert "Select yes or no" in page
    assert re.search(rf'name="{FIRST}-fever" value="yes"[^>]*checked', page)


def test_a_temperature_not_measured_is_followed_up_on_the_next_page(post_step, client, published):
    post_step("about_you", about_you(age=40))
    _page, codes = first_page(client)

    response = post_step(FIRST, dict.fromkeys(codes, "no") | {"fever": "not_sure"})

    assert response["Location"] == "/check/questions_2/"
    page = client.get("/check/questions_2/").content.decode()
    assert page_codes(page, "questions_2") == ["feels_hot_or_shivery"]


def test_no_follow_up_when_the_temperature_is_known(post_step, client, published):
    post_step("about_you", about_you(age=40, weeks="1"))
    _page, codes = first_page(client)

    response = post_step(FIRST, dict.fromkeys(codes, "no"))

    page = client.get(response["Location"]).content.decode()
    assert "feels_hot_or_shivery" not in page_codes(page, "questions_2")


@pytest.mark.parametrize(("feels_hot", "adult_fever_fires"), [("yes", True), ("no", False)])
def test_feeling_hot_and_shivery_counts_as_a_temperature(
    post_step, client, published, feels_hot, adult_fever_fires
):
    post_step("about_you", about_you(age=40, weeks="1"))
    _page, codes = first_page(client)
    post_step(FIRST, dict.fromkeys(codes, "no") | {"fever": "not_sure"})
    response = post_step("questions_2", {"feels_hot_or_shivery": feels_hot})
    answer_pages(client, Walk(age=40, weeks=1), response)

    kept = CompletedAssessment.objects.get()
    assert "fever" not in kept.answers["findings"]
    assert kept.answers["findings"]["feels_hot_or_shivery"] is (feels_hot == "yes")
    assert ("adult_fever" in kept.result["fired_red_flags"]) is adult_fever_fires


@pytest.mark.parametrize("page", ["/result/", "/result/summary/", "/result/summary.pdf"])
def test_a_stored_result_that_can_no_longer_be_assessed_starts_again(client, published, page):
    # Kept by an older version of the app whose answers this one cannot read (no age).
    kept = CompletedAssessment.objects.create(
        knowledge_base_version=1,
        answers={"sex": "female", "findings": {}},
        result={"triage": "routine", "conditions": [], "other_causes": 1.0},
    )
    session = client.session
    session[SESSION_ASSESSMENT_KEY] = str(kept.id)
    session[SESSION_RESULT_KEY] = {"lines": []}
    session.save()

    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert SESSION_RESULT_KEY not in client.session
