"""The OpenAPI schema and the documentation page, which must work without the internet."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders


# The schema lists the published finding codes (tests/api/test_contract.py): it reads the database.
@pytest.mark.usefixtures("published")
def test_the_openapi_schema_lists_every_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/questionnaire",
        "/api/v1/assessments",
        "/api/v1/interview",
        "/api/v1/conditions",
        "/api/v1/conditions/{code}",
    }
    assessments = schema["paths"]["/api/v1/assessments"]["post"]
    assert set(assessments["responses"]) == {"200", "400", "415", "503"}


@pytest.mark.usefixtures("published")
def test_the_request_body_schema_is_a_vignettes_answers(client):
    answers = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["AnswersIn"]

    assert set(answers["properties"]) == {"age", "sex", "duration_weeks", "findings"}
    assert answers["required"] == ["age", "sex"]
    assert answers["additionalProperties"] is False


@pytest.mark.django_db
def test_the_documentation_page_loads_swagger_from_this_server(client):
    page = client.get("/api/v1/docs").content.decode()

    assert "/api/v1/openapi.json" in page
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    for asset in assets:
        assert asset.startswith(static_prefix), f"{asset} would need the internet"
        assert finders.find(asset.removeprefix(static_prefix)), f"{asset} is not shipped"
