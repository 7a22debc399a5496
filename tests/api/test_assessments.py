"""POST /api/v1/assessments: the engine's result as JSON, and every bad field named."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conditions.engine import answers_from_mapping, assess
from conditions.published import published_knowledge_base

URL = "/api/v1/assessments"

pytestmark = pytest.mark.usefixtures("published")


def post(client: Client, body: Any) -> Any:
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, raw, content_type="application/json")


def errors_by_field(response: Any) -> dict[str, str]:
    assert response.status_code == 400, response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_suspected_hip_fracture_is_an_emergency_with_its_red_flag(client, hip_fracture_answers):
    response = post(client, hip_fracture_answers)

    assert response.status_code == 200
    result = response.json()
    assert result["triage"] == "emergency"
    reasons = result["triage_reasons"]
    assert {"kind", "code", "urgency", "message", "reason"} <= set(reasons[0])
    assert any(r["kind"] == "red_flag" and r["urgency"] == "emergency" for r in reasons)
    assert result["conditions"][0]["code"] == "hip_fracture"


def test_an_assessment_names_its_version_and_the_disclaimer(client, hip_fracture_answers):
    result = post(client, hip_fracture_answers).json()

    assert result["knowledge_base_version"] == 1
    assert "not a diagnosis" in result["disclaimer"]
    assert "healthcare professional" in result["disclaimer"]
    assert result["advice"]["heading"]


def test_the_api_gives_exactly_the_engines_result(client, hip_fracture_answers):
    result = post(client, hip_fracture_answers).json()

    knowledge_base = published_knowledge_base()
    expected = assess(knowledge_base, answers_from_mapping(hip_fracture_answers))
    assert result["triage"] == expected.triage
    assert [c["code"] for c in result["conditions"]] == [c.code for c in expected.conditions]
    assert [c["probability"] for c in result["conditions"]] == [
        c.probability for c in expected.conditions
    ]
    assert result["other_causes"]["probability"] == expected.other_causes
    assert result["excluded_by_age"] == list(expected.excluded_by_age)
    assert result["fired_red_flags"] == list(expected.fired_red_flags)


def test_each_condition_is_explained_by_the_answers(client, hip_fracture_answers):
    hip_fracture = post(client, hip_fracture_answers).json()["conditions"][0]

    explained = {c["finding"]: c for c in hip_fracture["explanation"]}
    assert explained["recent_trauma"]["answer"] is True
    assert explained["recent_trauma"]["likelihood_ratio"] > 1
    assert hip_fracture["likelihood"]
    assert 0 < hip_fracture["probability"] <= 1


def test_the_duration_is_explained_by_its_range(client, hip_fracture_answers):
    conditions = post(client, hip_fracture_answers).json()["conditions"]

    durations = [
        c for cond in conditions for c in cond["explanation"] if c["finding"] == "duration"
    ]
    assert durations
    assert {d["answer"] for d in durations} == {"up_to_2_weeks"}


def test_conditions_carry_icd10_and_snomed_ct_codes(client, hip_fracture_answers):
    hip_fracture = post(client, hip_fracture_answers).json()["conditions"][0]

    assert {"system": "http://hl7.org/fhir/sid/icd-10", "code": "S72.0"} in hip_fracture["codes"]
    assert {"system": "http://snomed.info/sct", "code": "5913000"} in hip_fracture["codes"]


def test_other_causes_are_shown_apart_never_ranked(client, hip_fracture_answers):
    result = post(client, hip_fracture_answers).json()

    assert "other_causes" not in {c["code"] for c in result["conditions"]}
    assert 0 < result["other_causes"]["probability"] < 1


def test_conditions_outside_their_age_range_are_left_out(client):
    result = post(client, {"age": 70, "sex": "male", "findings": {}}).json()

    assert "perthes_disease" in result["excluded_by_age"]
    assert "perthes_disease" not in {c["code"] for c in result["conditions"]}


def test_duration_and_findings_may_be_left_out(client):
    response = post(client, {"age": 40, "sex": "female"})

    assert response.status_code == 200


def test_a_finding_sent_as_null_is_not_sure_not_no(client, hip_fracture_answers):
    without = post(client, {**hip_fracture_answers, "findings": {"pain_groin": True}}).json()
    with_null = post(
        client, {**hip_fracture_answers, "findings": {"pain_groin": True, "fever": None}}
    ).json()

    assert with_null["conditions"] == without["conditions"]


def test_an_age_written_as_a_whole_decimal_is_that_age(client, hip_fracture_answers):
    as_integer = post(client, hip_fracture_answers).json()
    as_decimal = post(client, {**hip_fracture_answers, "age": 83.0}).json()

    assert as_decimal == as_integer


def test_no_csrf_token_is_needed(hip_fracture_answers):
    client = Client(enforce_csrf_checks=True)

    response = post(client, hip_fracture_answers)

    assert response.status_code == 200


# --- errors ------------------------------------------------------------------------------------


def test_an_unknown_finding_code_is_refused_by_name(client, hip_fracture_answers):
    hip_fracture_answers["findings"]["not_a_code"] = True

    assert errors_by_field(post(client, hip_fracture_answers)) == {
        "findings.not_a_code": "Unknown finding"
    }


def test_every_bad_field_is_named_at_once(client):
    body = {
        "age": "forty",
        "sex": "other",
        "duration_weeks": -1,
        "findings": {"fever": "yes", "not_a_code": True},
        "postcode": "AB1",
    }

    errors = errors_by_field(post(client, body))

    assert set(errors) == {
        "age",
        "sex",
        "duration_weeks",
        "findings.fever",
        "findings.not_a_code",
        "postcode",
    }
    assert errors["age"] == "Enter an age between 0 and 120"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"sex": "male"}, "age", id="missing age"),
        pytest.param({"age": 40}, "sex", id="missing sex"),
        pytest.param({"age": 40.5, "sex": "male"}, "age", id="age with a fraction"),
        pytest.param({"age": True, "sex": "male"}, "age", id="age as a boolean"),
        pytest.param({"age": "40", "sex": "male"}, "age", id="age as a string"),
        pytest.param({"age": 10**40, "sex": "male"}, "age", id="huge age"),
        pytest.param({"age": 121, "sex": "male"}, "age", id="age over 120"),
        pytest.param({"age": 40, "sex": "MALE"}, "sex", id="sex in capitals"),
        pytest.param({"age": 40, "sex": "male", "duration_weeks": "6"}, "duration_weeks", id="str"),
        pytest.param(
            {"age": 40, "sex": "male", "duration_weeks": 1e300}, "duration_weeks", id="1e300"
        ),
        pytest.param({"age": 40, "sex": "male", "findings": []}, "findings", id="findings list"),
        pytest.param(
            {"age": 40, "sex": "male", "findings": {"fever": 1}}, "findings.fever", id="1"
        ),
    ],
)
def test_a_wrong_type_or_value_is_a_400_naming_the_field(client, body, field):
    assert field in errors_by_field(post(client, body))


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param('{"age": 40,', id="truncated"),
        pytest.param("not json", id="text"),
        pytest.param(b"\xff\xfe", id="bad utf-8"),
        pytest.param('{"age": ' + "9" * 5000 + ', "sex": "male"}', id="5000-digit number"),
        pytest.param("[" * 100_000 + "]" * 100_000, id="deeply nested"),
    ],
)
def test_a_body_that_is_not_json_is_a_400_on_the_body(client, raw):
    assert list(errors_by_field(post(client, raw))) == ["body"]


@pytest.mark.parametrize("raw", ["", "null", "[]", "42", '"answers"'])
def test_a_body_that_is_not_an_object_is_a_400_on_the_body(client, raw):
    assert list(errors_by_field(post(client, raw))) == ["body"]


@pytest.mark.parametrize(
    "raw", ['{"age": NaN, "sex": "male"}', '{"age": 40, "sex": "male", "duration_weeks": Infinity}']
)
def test_not_a_number_and_infinity_are_refused(client, raw):
    assert errors_by_field(post(client, raw))


def test_a_body_over_the_upload_limit_is_a_400_on_the_body(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"age": 40, "sex": "male", "findings": {f"code_{n}": True for n in range(100)}}

    assert errors_by_field(post(client, body)) == {"body": "The request is too large"}


def test_every_reason_for_the_level_is_a_sentence_from_the_wording_module(client):
    """The engine returns structures; the API words them as the pages do."""
    knowledge_base = published_knowledge_base()
    body = {
        "age": 67,
        "sex": "female",
        "duration_weeks": 30,
        "findings": {"pain_groin": True, "pain_worse_with_activity": True},
    }
    result = post(client, body).json()

    by_code = {reason["code"]: reason for reason in result["triage_reasons"]}
    first = result["conditions"][0]["code"]
    name = knowledge_base.condition(first).name
    assert by_code[first]["message"] == f"{name} fits your answers best."
    assert by_code["other_causes"]["message"] == "A cause not on this list also fits your answers."


def test_a_child_s_reasons_are_worded_for_the_parent_as_on_the_result_page(client):
    child = {
        "age": 9,
        "sex": "male",
        "duration_weeks": 10,
        "findings": {"limp": True, "other_joints_swollen": True, "fever": False},
    }
    statements = [
        reason["statement"]
        for condition in post(client, child).json()["conditions"]
        for reason in condition["reasons"]
    ]
    adult = [
        reason["statement"]
        for condition in post(client, {**child, "age": 30}).json()["conditions"]
        for reason in condition["reasons"]
    ]

    assert statements
    assert all("your child" in s.lower() for s in statements), statements
    assert adult
    assert not any("your child" in s.lower() for s in adult), adult
