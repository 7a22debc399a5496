"""GET /api/v1/questionnaire and /api/v1/conditions: what is published, as JSON."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("published")


def test_the_questionnaire_lists_every_published_finding_with_when_it_is_asked(
    client, seeded_document
):
    result = client.get("/api/v1/questionnaire").json()

    assert result["knowledge_base_version"] == 1
    codes = [finding["code"] for finding in result["findings"]]
    assert sorted(codes) == sorted(f["code"] for f in seeded_document["findings"])
    alcohol = next(f for f in result["findings"] if f["code"] == "alcohol_excess")
    assert alcohol["min_age"] == 16
    assert alcohol["max_age"] is None
    assert set(alcohol) == {
        "code",
        "question",
        "help_text",
        "question_for_child",
        "help_text_for_child",
        "answer_type",
        "section",
        "order",
        "min_age",
        "max_age",
        "allows_not_sure",
        "follow_up_for",
    }
    fever = next(f for f in result["findings"] if f["code"] == "fever")
    assert fever["question_for_child"].startswith("Has your child had a temperature")


def test_warning_signs_people_know_are_yes_no_and_a_temperature_has_a_follow_up(client):
    findings = {f["code"]: f for f in client.get("/api/v1/questionnaire").json()["findings"]}

    assert findings["recent_trauma"]["allows_not_sure"] is False
    assert findings["unable_to_bear_weight"]["allows_not_sure"] is False
    assert findings["fever"]["allows_not_sure"] is True
    assert findings["feels_hot_or_shivery"]["follow_up_for"] == "fever"
    assert findings["fever"]["follow_up_for"] is None


def test_the_questionnaire_asks_warning_signs_first(client):
    result = client.get("/api/v1/questionnaire").json()

    assert result["sections"][0]["code"] == "warning_signs"
    assert result["findings"][0]["section"] == "warning_signs"


def test_age_sex_and_duration_are_described_as_always_asked(client):
    about_you = {
        item["code"]: item for item in client.get("/api/v1/questionnaire").json()["about_you"]
    }

    assert about_you["age"]["answer_type"] == "integer"
    assert (about_you["age"]["minimum"], about_you["age"]["maximum"]) == (0, 120)
    assert about_you["sex"]["options"] == ["female", "male"]
    assert about_you["duration_weeks"]["required"] is False


def test_the_conditions_are_the_published_named_ones(client, seeded_document):
    result = client.get("/api/v1/conditions").json()

    named = {c["code"] for c in seeded_document["conditions"] if not c["is_other_causes"]}
    assert {c["code"] for c in result["conditions"]} == named
    assert result["knowledge_base_version"] == 1


def test_one_condition_has_its_words_and_codes(client):
    response = client.get("/api/v1/conditions/rheumatoid_arthritis")

    assert response.status_code == 200
    condition = response.json()
    assert condition["name"] == "Rheumatoid arthritis"
    assert condition["icd10"] == "M05, M06"
    assert condition["snomed_ct"] == "69896004"
    assert [c["code"] for c in condition["codes"]] == ["M05", "M06", "69896004"]
    assert condition["urgency"] == "soon"
    assert condition["doctor_checks"]
    assert condition["knowledge_base_version"] == 1


@pytest.mark.parametrize("code", ["not_a_condition", "other_causes", "fever"])
def test_an_unknown_condition_is_a_json_404(client, code):
    response = client.get(f"/api/v1/conditions/{code}")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["message"]


def test_an_unknown_address_under_the_api_is_a_json_404(client):
    response = client.get("/api/v1/conditions/a/b")

    assert response.status_code == 404
    assert response.json() == {"message": "Not found"}
