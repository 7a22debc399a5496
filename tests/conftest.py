"""Shared test set-up: every database test runs on a real PostgreSQL (embedded or DATABASE_URL)."""

import os
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import _set_suffix_to_test_databases


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """Give each test run its own database, so that two runs on one server never collide."""
    _set_suffix_to_test_databases(suffix=f"run{os.getpid()}")


@pytest.fixture(autouse=True)
def _no_rate_limit_unless_asked(settings):
    # Every test client posts from 127.0.0.1 into one shared cache: only the rate-limit tests
    # turn the limit on (with a cleared cache).
    settings.RATELIMIT_ENABLE = False
    # Each test publishes its own versions in its own transaction: always ask for the latest.
    settings.KNOWLEDGE_BASE_RECHECK_SECONDS = 0


PROJECT_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def seeded_document() -> dict[str, Any]:
    """The seeded knowledge files, read and validated once per run."""
    from conditions.knowledge_file import read_knowledge_document

    return read_knowledge_document(PROJECT_DIR / "knowledge")


@pytest.fixture(scope="session")
def seeded_knowledge_base(seeded_document):
    """The engine's snapshot of the seeded knowledge files (version 0), built once per run."""
    from conditions.engine import knowledge_base_from_document

    return knowledge_base_from_document(seeded_document, version=0)


def publish_seeded(document: dict[str, Any]):
    from conditions.models import KnowledgeBaseVersion

    return KnowledgeBaseVersion.objects.create(number=1, document=document, note="test")


@pytest.fixture
def published(db, seeded_document):
    """The seeded knowledge base, published as version 1 (inside the test's transaction)."""
    return publish_seeded(seeded_document)


@pytest.fixture
def published_committed(transactional_db, seeded_document):
    """The seeded knowledge base, committed: for a live server, a restart or another process."""
    return publish_seeded(seeded_document)


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """``Client.force_login`` skips the login form, and here its second factor too.

    Reviewers and superusers may use the admin only in a session verified with their
    authenticator app (staff_security). A test that logs a user in with ``force_login``
    (``admin_client``, ``reviewer_client`` and the rest) means "fully logged in", so for those
    users it also sets up an authenticator app and marks the session verified with it, as
    ``tests.two_factor.verify_session`` does. The requirement itself stays on: logging in
    through the admin's form (tests/production/test_two_factor.py, the browser tests) still
    asks for the code.
    """
    from django.test import Client

    from tests.two_factor import verify_session

    force_login = Client.force_login

    def force_login_with_second_factor(self, user, backend=None):
        force_login(self, user, backend)
        verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login_with_second_factor)


# Staff in the two curation roles (tests/factories.py), and clients logged in as them.
@pytest.fixture
def curator(db):
    from tests.factories import CuratorFactory

    return CuratorFactory()


@pytest.fixture
def reviewer(db):
    from tests.factories import ReviewerFactory

    return ReviewerFactory()


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client
