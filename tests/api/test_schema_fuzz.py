"""Schema-driven fuzzing: every operation of the served OpenAPI schema, with generated requests.

Schemathesis calls the Django WSGI application in this process, so the requests see the test's
database transaction and its published knowledge base. Each response must not be a 5xx and must
conform to the schema (status code, content type, headers, body); schema-invalid requests must be
refused with a 4xx; every check schemathesis has runs (``--checks all``).
"""

from __future__ import annotations

from unittest.mock import patch

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation import GenerationMode
from schemathesis.python.wsgi import HOST as SCHEMATHESIS_HOST

from api import endpoints

# Enough to find a crash in each operation, small enough to keep tests/api well under a minute.
EXAMPLES_PER_OPERATION = 100


def served_schema() -> schemathesis.schemas.BaseSchema:
    """The schema as /api/v1/openapi.json serves it, bound to the WSGI application.

    Loaded when the module is collected: schemathesis's fixture-based loader
    (``schemathesis.pytest.from_fixture``) fails under pytest 9, which removed the
    ``Function._nodeid`` it rewrites. Serving the schema needs no database.
    """
    # The schema lists the published finding codes; no database is reachable while tests are
    # collected, and the tests publish the seeded files, so the seeded codes are the ones.
    with (
        override_settings(ALLOWED_HOSTS=[SCHEMATHESIS_HOST]),
        patch.object(endpoints, "finding_questions", endpoints.seeded_finding_questions),
    ):
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


schema = served_schema()
# Valid requests and invalid ones (which must be refused with a 4xx), as `--mode all` does.
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
# Every check, as `schemathesis run --checks all`: the schema lists the finding codes, so a body
# it allows is one the engine accepts (positive_data_acceptance) and one it refuses is refused.
load_all_checks()
ALL_CHECKS = CHECKS.get_all()


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
    case.validate_response(response, checks=ALL_CHECKS)
