"""The FHIR R4 Questionnaire and QuestionnaireResponse, checked against the FHIR models.

fhir.resources 8 ships R5 as its default models, and R4B (4.3) and STU3 beside it, but no 4.0.1
package: Questionnaire and QuestionnaireResponse are unchanged between R4 and R4B, so the R4B
models are the R4 structure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

QUESTIONNAIRE = "/fhir/Questionnaire/hip-pain"
FROM_ANSWERS = "/fhir/QuestionnaireResponse/$from-answers"
# The canonical base comes from the request while CANONICAL_BASE_URL is unset.
CANONICAL = "http://testserver/fhir/Questionnaire/hip-pain"

pytestmark = pytest.mark.usefixtures("published")


def items(resource: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every item of a Questionnaire or QuestionnaireResponse, depth first."""
    for item in resource.get("item", []):
        yield item
        yield from items(item)


@pytest.fixture
def questionnaire(client) -> dict[str, Any]:
    response = client.get(QUESTIONNAIRE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    return response.json()


def response_to(client, answers: dict[str, Any]) -> dict[str, Any]:
    response = client.post(FROM_ANSWERS, json.dumps(answers), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    return response.json()


def test_the_questionnaire_is_a_valid_fhir_questionnaire(questionnaire):
    parsed = Questionnaire.model_validate(questionnaire)

    assert parsed.status == "active"
    assert parsed.url == CANONICAL
    assert parsed.version == "1"


def test_every_link_id_is_unique(questionnaire):
    link_ids = [item["linkId"] for item in items(questionnaire)]

    assert len(link_ids) == len(set(link_ids))


def test_every_published_finding_is_a_yes_no_choice_with_not_sure_where_allowed(
    questionnaire, seeded_document
):
    by_link_id = {item["linkId"]: item for item in items(questionnaire)}

    for finding in seeded_document["findings"]:
        item = by_link_id[finding["code"]]
        assert item["type"] == "choice"
        assert item["text"] == finding["question"]
        expected = ["Y", "N", "asked-unknown"] if finding["allows_not_sure"] else ["Y", "N"]
        assert [option["valueCoding"]["code"] for option in item["answerOption"]] == expected
    assert [o["valueCoding"]["code"] for o in by_link_id["recent_trauma"]["answerOption"]] == [
        "Y",
        "N",
    ]


def test_the_temperature_follow_up_is_enabled_by_not_sure(questionnaire):
    follow_up = {item["linkId"]: item for item in items(questionnaire)}["feels_hot_or_shivery"]

    [condition] = follow_up["enableWhen"]
    assert (condition["question"], condition["operator"]) == ("fever", "=")
    assert condition["answerCoding"]["code"] == "asked-unknown"


def test_age_sex_and_duration_come_first(questionnaire):
    about_you = questionnaire["item"][0]
    types = {item["linkId"]: item["type"] for item in about_you["item"]}

    assert types == {"age": "integer", "sex": "choice", "duration_weeks": "decimal"}


def test_a_finding_for_adults_only_is_enabled_by_age(questionnaire):
    alcohol = next(item for item in items(questionnaire) if item["linkId"] == "alcohol_excess")

    assert alcohol["enableWhen"] == [{"question": "age", "operator": ">=", "answerInteger": 16}]


def test_help_text_is_a_help_display_item(questionnaire):
    age = next(item for item in items(questionnaire) if item["linkId"] == "age")

    (help_item,) = age["item"]
    assert help_item["type"] == "display"
    assert help_item["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "help"


def test_answers_become_a_valid_completed_questionnaire_response(client, hip_fracture_answers):
    resource = response_to(client, hip_fracture_answers)

    parsed = QuestionnaireResponse.model_validate(resource)
    assert parsed.status == "completed"
    assert parsed.questionnaire == f"{CANONICAL}|1"


def test_the_response_follows_the_questionnaire(client, questionnaire, hip_fracture_answers):
    resource = response_to(client, hip_fracture_answers)

    questions = {item["linkId"]: item for item in items(questionnaire)}
    value_types = {"integer": "valueInteger", "decimal": "valueDecimal", "choice": "valueCoding"}
    for item in items(resource):
        question = questions[item["linkId"]]
        for answer in item.get("answer", []):
            (value_type,) = answer
            assert value_type == value_types[question["type"]]
            if question["type"] == "choice":
                assert answer["valueCoding"] in [o["valueCoding"] for o in question["answerOption"]]
    parents = {
        item["linkId"]: [child["linkId"] for child in item.get("item", [])]
        for item in items(questionnaire)
    }
    for group in resource["item"]:
        assert {child["linkId"] for child in group["item"]} <= set(parents[group["linkId"]])


def test_yes_no_and_not_sure_are_coded(client, hip_fracture_answers):
    hip_fracture_answers["findings"]["limp"] = None
    answered = {
        item["linkId"]: item["answer"][0]["valueCoding"]["code"]
        for item in items(response_to(client, hip_fracture_answers))
        if "answer" in item and "valueCoding" in item["answer"][0]
    }

    assert answered["recent_trauma"] == "Y"
    assert answered["fever"] == "N"
    assert answered["limp"] == "asked-unknown"
    assert "psoriasis" not in answered
    assert answered["sex"] == "female"


def test_an_unknown_duration_is_left_unanswered(client, hip_fracture_answers):
    hip_fracture_answers["duration_weeks"] = None

    link_ids = {item["linkId"] for item in items(response_to(client, hip_fracture_answers))}

    assert "duration_weeks" not in link_ids
    assert "age" in link_ids


def test_a_finding_not_asked_at_this_age_is_left_out(client):
    answers = {"age": 10, "sex": "male", "findings": {"alcohol_excess": False, "limp": True}}

    link_ids = {item["linkId"] for item in items(response_to(client, answers))}

    assert "alcohol_excess" not in link_ids
    assert "limp" in link_ids


def test_bad_answers_are_a_valid_operation_outcome_naming_each_field(client):
    body = {"age": -1, "sex": "male", "findings": {"not_a_code": True}}

    response = client.post(FROM_ANSWERS, json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    outcome = OperationOutcome.model_validate(response.json())
    assert {issue.expression[0] for issue in outcome.issue} == {"age", "findings.not_a_code"}


def test_a_body_over_the_upload_limit_is_a_400_operation_outcome(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"age": 40, "sex": "male", "findings": {f"code_{n}": True for n in range(100)}}

    response = client.post(FROM_ANSWERS, json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    assert OperationOutcome.model_validate(response.json()).issue[0].code == "too-long"


def test_an_unknown_questionnaire_is_a_404_operation_outcome(client):
    response = client.get("/fhir/Questionnaire/knee-pain")

    assert response.status_code == 404
    OperationOutcome.model_validate(response.json())


def test_the_fhir_answers_operation_needs_no_csrf_token(hip_fracture_answers):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    response = client.post(
        FROM_ANSWERS, json.dumps(hip_fracture_answers), content_type="application/fhir+json"
    )

    assert response.status_code == 200


# --- any body -----------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
answers_like = st.fixed_dictionaries(
    {"age": st.integers(-2, 125) | json_values, "sex": st.sampled_from(["female", "male", "x"])},
    optional={
        "duration_weeks": st.none() | st.floats(-1, 7000) | json_values,
        "findings": st.dictionaries(
            st.sampled_from(["fever", "limp", "alcohol_excess", "recent_trauma", "no_such_code"]),
            st.none() | st.booleans() | json_values,
            max_size=5,
        ),
        "extra": json_values,
    },
)


@given(body=answers_like | json_values)
@settings(
    max_examples=100,
    deadline=None,
    # The client and the published knowledge base are read-only here: shared on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_any_body_gives_a_valid_fhir_resource_never_a_server_error(client, body):
    response = client.post(FROM_ANSWERS, json.dumps(body), content_type="application/json")

    assert response.status_code in {200, 400}
    model = QuestionnaireResponse if response.status_code == 200 else OperationOutcome
    model.model_validate(response.json())


def test_a_field_named_with_a_form_feed_still_gives_a_valid_operation_outcome(client):
    # Found by the property test above: FHIR strings take no whitespace but space, tab, CR, LF.
    body = {"age": 40, "sex": "female", "\x0c": 1}
    response = client.post(FROM_ANSWERS, json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    outcome = OperationOutcome.model_validate(response.json())
    assert any("\ufffd" in (issue.expression or [""])[0] for issue in outcome.issue)
