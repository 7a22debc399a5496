"""Issue 13 through the API: red flags as floors, their concerns, and unanswered warning signs.

The acceptance cases of the issue (triage-policy.md §1 and §3), each posted as a client would
send it: a finding left out is "not sure".
"""

from __future__ import annotations

import json
from typing import Any, get_args

import pytest
from django.test import Client

from api.schemas import ReasonKindName
from conditions.engine import ReasonKind

URL = "/api/v1/assessments"
CAUDA_EQUINA = "pressure on the nerves at the base of the spine (cauda equina syndrome)"

pytestmark = pytest.mark.usefixtures("published")


def assessed(client: Client, answers: dict[str, Any]) -> dict[str, Any]:
    response = client.post(URL, json.dumps(answers), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def signs_by_rule(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {sign["rule"]: sign for sign in result["unanswered_warning_signs"]}


def test_the_schema_names_every_reason_kind_of_the_engine():
    assert set(get_args(ReasonKindName)) == {str(kind) for kind in ReasonKind}


def test_a_woman_of_55_who_is_not_sure_of_anything_is_told_when_to_call_999(client):
    result = assessed(client, {"age": 55, "sex": "female", "duration_weeks": 1, "findings": {}})

    assert result["triage"] not in ("emergency", "self_care")
    fracture = signs_by_rule(result)["trauma_unable_to_bear_weight"]
    assert fracture["urgency"] == "emergency"
    assert set(fracture["findings"]) == {"recent_trauma", "unable_to_bear_weight"}
    assert "999" in fracture["message"]
    assert fracture["concern"] == "a broken hip"
    assert "saddle_numbness" in signs_by_rule(result)


def test_unanswered_warning_signs_are_only_those_more_urgent_than_the_level(client):
    result = assessed(client, {"age": 55, "sex": "female", "duration_weeks": 1, "findings": {}})

    order = ["self_care", "routine", "soon", "urgent", "emergency"]
    for sign in result["unanswered_warning_signs"]:
        assert order.index(sign["urgency"]) > order.index(result["triage"]), sign


def test_answering_every_warning_sign_leaves_none_unanswered(client, hip_fracture_answers):
    result = assessed(client, hip_fracture_answers)

    assert result["triage"] == "emergency"
    assert result["unanswered_warning_signs"] == []


def test_a_finding_sent_as_null_is_unanswered_too(client):
    findings = {"recent_trauma": None, "unable_to_bear_weight": None}
    result = assessed(
        client, {"age": 55, "sex": "female", "duration_weeks": 1, "findings": findings}
    )

    assert "trauma_unable_to_bear_weight" in signs_by_rule(result)


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(
            {"age": 85, "sex": "female", "duration_weeks": 0, "findings": {"recent_trauma": True}},
            id="85-year-old woman who fell, not sure she can stand",
        ),
        pytest.param(
            {
                "age": 80,
                "sex": "female",
                "duration_weeks": 0,
                "findings": {"recent_trauma": True, "pain_groin": True},
            },
            id="80-year-old after a fall with groin pain",
        ),
        pytest.param(
            {"age": 70, "sex": "male", "duration_weeks": 3 / 7, "findings": {"fever": True}},
            id="70-year-old man with a fever for three days, not sure he can stand",
        ),
        pytest.param(
            {"age": 12, "sex": "female", "duration_weeks": None, "findings": {"fever": True}},
            id="12-year-old with a fever and no location",
        ),
    ],
)
def test_the_issues_emergencies(client, answers):
    assert assessed(client, answers)["triage"] == "emergency"


def test_numbness_between_the_legs_is_an_emergency_led_by_its_concern(client):
    result = assessed(
        client,
        {
            "age": 45,
            "sex": "female",
            "duration_weeks": 2,
            "findings": {"saddle_numbness_or_bladder_change": True, "pain_lateral_hip": True},
        },
    )

    assert result["triage"] == "emergency"
    (reason,) = [r for r in result["triage_reasons"] if r["kind"] == "red_flag"]
    assert reason["code"] == "saddle_numbness"
    assert reason["concern"] == CAUDA_EQUINA


def test_every_triage_reason_carries_a_concern_empty_for_conditions(client):
    result = assessed(
        client,
        {
            "age": 6,
            "sex": "male",
            "duration_weeks": 0.3,
            "findings": {"fever": True, "limp": True},
        },
    )

    assert result["triage"] == "emergency"
    concerns = {r["kind"]: r["concern"] for r in result["triage_reasons"]}
    assert "septic arthritis" in concerns["red_flag"]
    assert concerns.get("condition", "") == ""


def test_the_new_reason_kinds_are_served_not_a_server_error(client):
    # An emergency-level condition with its warning signs unanswered: kind "unconfirmed".
    result = assessed(client, {"age": 55, "sex": "female", "duration_weeks": 1, "findings": {}})
    assert {r["kind"] for r in result["triage_reasons"]} <= set(get_args(ReasonKindName))

    # A confirmed "can bear weight" after a fall at 70: hip fracture's level capped.
    capped = assessed(
        client,
        {
            "age": 70,
            "sex": "female",
            "duration_weeks": 0,
            "findings": {"recent_trauma": True, "unable_to_bear_weight": False},
        },
    )
    assert capped["triage"] == "urgent"
    assert any(r["kind"] == "red_flag" and r["concern"] for r in capped["triage_reasons"])


def test_the_openapi_schema_documents_unanswered_warning_signs_and_concerns(client):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]

    assessment = components["AssessmentOut"]
    assert "unanswered_warning_signs" in assessment["required"]
    sign = components["UnansweredWarningSignOut"]
    assert set(sign["properties"]) == {"rule", "findings", "urgency", "message", "concern"}
    assert set(sign["required"]) == set(sign["properties"])
    reason = components["TriageReasonOut"]
    assert "concern" in reason["required"]
    assert set(reason["properties"]["kind"]["enum"]) == {str(kind) for kind in ReasonKind}


# --- FHIR: the same warning signs on the QuestionnaireResponse ----------------------------------

FROM_ANSWERS = "/fhir/QuestionnaireResponse/$from-answers"
SIGN_URL = "http://testserver/fhir/StructureDefinition/unanswered-warning-sign"
FINDING_SYSTEM = "http://testserver/fhir/CodeSystem/finding"


def fhir_response_to(client: Client, answers: dict[str, Any]) -> dict[str, Any]:
    response = client.post(FROM_ANSWERS, json.dumps(answers), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def fhir_signs(resource: dict[str, Any]) -> dict[str, dict[str, list[Any]]]:
    """rule code → {part name: [values]} of each unanswered-warning-sign extension."""
    signs = {}
    for extension in resource.get("extension", []):
        assert extension["url"] == SIGN_URL
        parts: dict[str, list[Any]] = {}
        for part in extension["extension"]:
            (value_key,) = (key for key in part if key.startswith("value"))
            parts.setdefault(part["url"], []).append(part[value_key])
        (rule,) = parts["rule"]
        signs[rule] = parts
    return signs


def test_fhir_names_each_unanswered_warning_sign_on_a_valid_questionnaire_response(client):
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    answers = {"age": 55, "sex": "female", "duration_weeks": 1, "findings": {}}
    resource = fhir_response_to(client, answers)

    QuestionnaireResponse.model_validate(resource)
    signs = fhir_signs(resource)
    api_signs = signs_by_rule(assessed(client, answers))
    assert set(signs) == set(api_signs)
    fracture = signs["trauma_unable_to_bear_weight"]
    assert fracture["urgency"] == ["emergency"]
    assert fracture["finding"] == [
        {"system": FINDING_SYSTEM, "code": code}
        for code in api_signs["trauma_unable_to_bear_weight"]["findings"]
    ]
    assert fracture["message"] == [api_signs["trauma_unable_to_bear_weight"]["message"]]
    assert fracture["concern"] == ["a broken hip"]


def test_fhir_adds_no_extension_when_every_warning_sign_is_answered(client, hip_fracture_answers):
    resource = fhir_response_to(client, hip_fracture_answers)

    assert "extension" not in resource
