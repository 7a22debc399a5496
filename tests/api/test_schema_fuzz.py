"""Schema-driven fuzzing: every operation of the served OpenAPI schema, with generated requests.

Schemathesis calls the Django WSGI application in this process, so the requests see the test's
database transaction and its published knowledge base. Each response must not be a 5xx and must
conform to the schema (status code, content type, headers, body); schema-invalid requests must be
refused with a 4xx.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.python.wsgi import HOST as SCHEMATHESIS_HOST

from conditions.published import published_knowledge_base

# Enough to find a crash in each operation, small enough to keep tests/api well under a minute.
EXAMPLES_PER_OPERATION = 100


def served_schema() -> schemathesis.schemas.BaseSchema:
    """The schema as /api/v1/openapi.json serves it, bound to the WSGI application.

    Loaded when the module is collected: schemathesis's fixture-based loader
    (``schemathesis.pytest.from_fixture``) fails under pytest 9, which removed the
    ``Function._nodeid`` it rewrites. Serving the schema needs no database.
    """
    with override_settings(ALLOWED_HOSTS=[SCHEMATHESIS_HOST]):
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


schema = served_schema()


@pytest.fixture(autouse=True)
def in_process_requests(published, settings):
    """Requests as a WSGI server would make them, inside the test's transaction.

    Like Django's test client, the application must not close the database connection at the
    end of each request: that would end the test's transaction, and the published knowledge
    base with it.
    """
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, SCHEMATHESIS_HOST]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    # The fixtures are read-only for the API: sharing them across examples is intended.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_conforms_to_its_schema_and_never_fails(case):
    response = case.call()
    case.validate_response(response, excluded_checks=checks_not_applying_to(case))


def checks_not_applying_to(case) -> list:
    """The schema cannot list the finding codes (they are published data, not code), so a body
    it allows may name a finding the knowledge base does not have: refusing that is right
    (tests/api/test_assessments.py checks the message). Every other schema-valid body must be
    accepted."""
    body = case.body if isinstance(case.body, dict) else {}
    findings = body.get("findings")
    if isinstance(findings, dict) and not set(findings) <= set(published_knowledge_base().findings):
        return [schemathesis.checks.positive_data_acceptance]
    return []
