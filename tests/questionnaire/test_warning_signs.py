"""Warning signs on the pages (triage-policy.md §3): yes / no for what people know from their
own experience, and a plainer follow-up when a temperature is "not sure"."""

from __future__ import annotations

import re

import pytest

from questionnaire.models import CompletedAssessment
from questionnaire.views import SESSION_ASSESSMENT_KEY, SESSION_RESULT_KEY
from tests.questionnaire.test_flow import about_you, all_no

pytestmark = pytest.mark.django_db

KNOWN_FROM_EXPERIENCE = (
    "recent_trauma",
    "unable_to_bear_weight",
    "limp",
    "saddle_numbness_or_bladder_change",
)


def radios(page: str, code: str) -> list[str]:
    """The values offered for one question of the warning-signs step, in page order."""
    return re.findall(rf'name="warning_signs-{code}" value="([a-z_]+)"', page)


def test_warning_signs_people_know_are_asked_yes_or_no_and_a_temperature_may_be_not_sure(
    post_step, client, published
):
    post_step("about_you", about_you(age=60))
    page = client.get("/check/warning_signs/").content.decode()

    for code in KNOWN_FROM_EXPERIENCE:
        assert radios(page, code) == ["yes", "no"], code
    assert radios(page, "new_headache_or_jaw_pain") == ["yes", "no"]
    assert radios(page, "fever") == ["yes", "no", "not_sure"]
    assert radios(page, "feels_hot_or_shivery") == ["yes", "no", "not_sure"]
    assert 'data-follows-up="warning_signs-fever"' in page


def test_not_sure_to_a_fall_is_refused_with_a_clear_message_and_the_answers_kept(
    post_step, published
):
    post_step("about_you", about_you(age=75))
    answers = all_no("warning_signs", 75) | {"recent_trauma": "not_sure", "fever": "yes"}

    page = post_step("warning_signs", answers).content.decode()

    assert "There is a problem" in page
    assert "Select yes or no" in page
    assert re.search(r'name="warning_signs-fever" value="yes"[^>]*checked', page)


def test_a_temperature_not_measured_needs_the_follow_up(post_step, published):
    post_step("about_you", about_you(age=40))
    answers = all_no("warning_signs", 40) | {"fever": "not_sure"}
    del answers["feels_hot_or_shivery"]

    page = post_step("warning_signs", answers).content.decode()

    assert "There is a problem" in page
    assert "Select yes, no or not sure" in page
    assert 'id="div_id_warning_signs-feels_hot_or_shivery"' in page


def test_the_follow_up_is_ignored_when_the_temperature_is_known(post_step, client, published):
    post_step("about_you", about_you(age=40, weeks="1"))
    answers = all_no("warning_signs", 40) | {"fever": "no", "feels_hot_or_shivery": "yes"}

    response = post_step("warning_signs", answers, follow=True)

    assert response.redirect_chain[-1][0] == "/check/where_it_hurts/"
    page = client.get("/check/check_answers/").content.decode()
    assert "felt hot and shivery" not in page


@pytest.mark.parametrize(("feels_hot", "adult_fever_fires"), [("yes", True), ("no", False)])
def test_feeling_hot_and_shivery_counts_as_a_temperature(
    post_step, client, published, feels_hot, adult_fever_fires
):
    post_step("about_you", about_you(age=40, weeks="1"))
    warning = all_no("warning_signs", 40) | {"fever": "not_sure", "feels_hot_or_shivery": feels_hot}
    post_step("warning_signs", warning)
    for step in (
        "the_pain",
        "stiffness_and_nights",
        "other_joints",
        "skin_eyes_bowels",
        "general_health",
    ):
        post_step(step, all_no(step, 40))
    post_step("where_it_hurts", {"locations": ["pain_groin"]})
    response = post_step("check_answers", {}, follow=True)

    assert response.redirect_chain[-1][0] == "/result/"
    kept = CompletedAssessment.objects.get()
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
