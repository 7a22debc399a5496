"""The API's and FHIR's contract: JSON errors in every case, strict bodies, the metadata, and a
schema that lists every finding code."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.questionnaire import Questionnaire

ASSESSMENTS = "/api/v1/assessments"
FROM_ANSWERS = "/fhir/QuestionnaireResponse/$from-answers"
QUESTIONNAIRE = "/fhir/Questionnaire/hip-pain"

pytestmark = pytest.mark.usefixtures("published")


# --- 405 and 415 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", ASSESSMENTS, "POST"),
        ("get", ASSESSMENTS, "POST"),
        ("post", "/api/v1/questionnaire", "GET"),
        ("delete", "/api/v1/conditions", "GET"),
    ],
)
def test_a_method_the_api_does_not_take_is_a_json_405(client, method, path, allowed):
    response = getattr(client, method)(path)

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert allowed in response["Allow"]
    assert "message" in response.json()


@pytest.mark.parametrize(
    ("method", "path"), [("get", FROM_ANSWERS), ("post", QUESTIONNAIRE), ("put", "/fhir/metadata")]
)
def test_a_method_fhir_does_not_take_is_a_405_operation_outcome(client, method, path):
    response = getattr(client, method)(path)

    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response["Allow"]
    OperationOutcome.model_validate(response.json())


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_the_api_takes_json_only(client, hip_fracture_answers, content_type):
    response = client.post(ASSESSMENTS, json.dumps(hip_fracture_answers), content_type=content_type)

    assert response.status_code == 415
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["message"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_fhir_takes_fhir_json_or_json_only(client, hip_fracture_answers, content_type):
    response = client.post(
        FROM_ANSWERS, json.dumps(hip_fracture_answers), content_type=content_type
    )

    assert response.status_code == 415
    assert OperationOutcome.model_validate(response.json()).issue[0].code == "not-supported"


@pytest.mark.parametrize("content_type", ["application/fhir+json", "application/json"])
def test_fhir_takes_both_json_types(client, hip_fracture_answers, content_type):
    response = client.post(
        FROM_ANSWERS, json.dumps(hip_fracture_answers), content_type=content_type
    )

    assert response.status_code == 200


def test_a_utf16_form_post_to_the_api_is_a_json_415_not_a_500(client):
    response = client.post(
        ASSESSMENTS, "age=40", content_type="application/x-www-form-urlencoded; charset=utf-16"
    )

    assert response.status_code == 415
    assert response.json()["message"]


# --- strict JSON ----------------------------------------------------------------------------------

DUPLICATED = '{"age": 40, "sex": "male", "findings": {"fever": true, "fever": false}}'
DUPLICATED_TOP = '{"age": 40, "age": 90, "sex": "male"}'


@pytest.mark.parametrize("body", [DUPLICATED, DUPLICATED_TOP])
def test_duplicate_keys_are_refused_by_the_api(client, body):
    response = client.post(ASSESSMENTS, body, content_type="application/json")

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == "body"
    assert "twice" in error["message"]


@pytest.mark.parametrize("body", [DUPLICATED, DUPLICATED_TOP])
def test_duplicate_keys_are_refused_by_fhir(client, body):
    response = client.post(FROM_ANSWERS, body, content_type="application/fhir+json")

    assert response.status_code == 400
    outcome = OperationOutcome.model_validate(response.json())
    assert "twice" in outcome.issue[0].details.text


LONE_SURROGATE = '{"age": 40, "sex": "male", "findings": {"\\udc00": true}}'
LONE_SURROGATE_VALUE = '{"age": 40, "sex": "\\ud800"}'


@pytest.mark.parametrize("body", [LONE_SURROGATE, LONE_SURROGATE_VALUE])
def test_a_lone_surrogate_is_a_400_operation_outcome_not_a_500(body):
    client = Client(raise_request_exception=False)

    response = client.post(FROM_ANSWERS, body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/fhir+json")
    OperationOutcome.model_validate(response.json())


@pytest.mark.parametrize("body", [LONE_SURROGATE, LONE_SURROGATE_VALUE])
def test_a_lone_surrogate_is_a_json_400_from_the_api(client, body):
    response = client.post(ASSESSMENTS, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"]


# --- FHIR metadata and canonical URLs -----------------------------------------------------------


def test_the_capability_statement_is_valid_and_lists_what_the_server_does(client):
    response = client.get("/fhir/metadata")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    statement = CapabilityStatement.model_validate(response.json())
    assert statement.fhirVersion == "4.0.1"
    [rest] = statement.rest
    resources = {resource.type: resource for resource in rest.resource}
    assert [i.code for i in resources["Questionnaire"].interaction] == ["read"]
    [operation] = resources["QuestionnaireResponse"].operation
    assert operation.name == "from-answers"


def test_canonical_urls_come_from_the_request_by_default(client):
    questionnaire = Questionnaire.model_validate(client.get(QUESTIONNAIRE).json())

    assert questionnaire.url == "http://testserver/fhir/Questionnaire/hip-pain"


def test_canonical_urls_come_from_the_setting(client, settings, hip_fracture_answers):
    settings.CANONICAL_BASE_URL = "https://hips.example.org"

    questionnaire = client.get(QUESTIONNAIRE).json()
    answered = client.post(
        FROM_ANSWERS, json.dumps(hip_fracture_answers), content_type="application/json"
    ).json()
    metadata = client.get("/fhir/metadata").json()

    assert questionnaire["url"] == "https://hips.example.org/fhir/Questionnaire/hip-pain"
    assert answered["questionnaire"] == "https://hips.example.org/fhir/Questionnaire/hip-pain|1"
    assert metadata["implementation"]["url"] == "https://hips.example.org/fhir"
    assert "symptomcheck.example" not in json.dumps([questionnaire, answered, metadata])


# --- the OpenAPI schema -------------------------------------------------------------------------


def findings_schema(client) -> dict:
    schema = client.get("/api/v1/openapi.json").json()
    return schema["components"]["schemas"]["AnswersIn"]["properties"]["findings"]


def test_the_schema_lists_every_published_finding(client, seeded_document):
    findings = findings_schema(client)

    assert findings["additionalProperties"] is False
    assert set(findings["properties"]) == {f["code"] for f in seeded_document["findings"]}
    fever = findings["properties"]["fever"]
    assert {option.get("type") for option in fever["anyOf"]} == {"boolean", "null"}


def test_the_schema_follows_the_published_version(client, seeded_document):
    from conditions.models import KnowledgeBaseVersion

    document = json.loads(json.dumps(seeded_document))
    added = {**next(f for f in document["findings"] if f["code"] == "psoriasis")}
    added.update(code="psoriasis_of_the_scalp", order=added["order"] + 1)
    document["findings"].append(added)
    KnowledgeBaseVersion.objects.create(number=2, document=document, note="test")

    assert "psoriasis_of_the_scalp" in findings_schema(client)["properties"]
