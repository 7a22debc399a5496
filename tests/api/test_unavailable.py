"""503, with a JSON (or FHIR OperationOutcome) message, when nothing can be assessed."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from conditions.published import clear_published_cache

REQUESTS = [
    ("get", "/api/v1/questionnaire"),
    ("post", "/api/v1/assessments"),
    ("get", "/api/v1/conditions"),
    ("get", "/api/v1/conditions/hip_fracture"),
]
FHIR_REQUESTS = [
    ("get", "/fhir/Questionnaire/hip-pain"),
    ("post", "/fhir/QuestionnaireResponse/$from-answers"),
]


def call(client, method: str, url: str, answers):
    if method == "post":
        return client.post(url, answers, content_type="application/json")
    return client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), REQUESTS)
def test_without_a_published_knowledge_base_the_api_answers_503(
    client, method, url, hip_fracture_answers
):
    response = call(client, method, url, hip_fracture_answers)

    assert response.status_code == 503
    assert "published" in response.json()["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), FHIR_REQUESTS)
def test_without_a_published_knowledge_base_fhir_answers_503(
    client, method, url, hip_fracture_answers
):
    response = call(client, method, url, hip_fracture_answers)

    assert response.status_code == 503
    assert response.json()["resourceType"] == "OperationOutcome"
    assert response.json()["issue"][0]["code"] == "transient"


@pytest.fixture
def database_down(monkeypatch):
    """Every query of the published version fails as if the server had gone away."""
    from conditions.models import KnowledgeBaseVersion

    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    clear_published_cache()
    monkeypatch.setattr(KnowledgeBaseVersion.objects, "latest_first", unreachable)


@pytest.mark.usefixtures("published", "database_down")
@pytest.mark.parametrize(("method", "url"), REQUESTS + FHIR_REQUESTS)
def test_an_unreachable_database_is_a_503_not_a_500(client, method, url, hip_fracture_answers):
    response = call(client, method, url, hip_fracture_answers)

    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json()
