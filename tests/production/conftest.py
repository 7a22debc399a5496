"""Fixtures for the production-readiness tests: a published knowledge base, committed or not.

The wizard is rate-limited per address (QUESTIONNAIRE_RATE_LIMIT); the test client always comes
from 127.0.0.1 and these tests post hundreds of steps, so rate limiting is switched off here.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.production.helpers import PROJECT_DIR


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.RATELIMIT_ENABLE = False


@pytest.fixture(scope="session")
def seeded_document() -> dict[str, Any]:
    from conditions.knowledge_file import read_knowledge_document

    return read_knowledge_document(PROJECT_DIR / "knowledge")


@pytest.fixture
def published(db, seeded_document):
    """The seeded knowledge base, published as version 1 (inside the test's transaction)."""
    from conditions.models import KnowledgeBaseVersion

    return KnowledgeBaseVersion.objects.create(number=1, document=seeded_document, note="test")


@pytest.fixture
def published_committed(transactional_db, seeded_document):
    """The seeded knowledge base, committed: for a database restart or another process."""
    from conditions.models import KnowledgeBaseVersion

    return KnowledgeBaseVersion.objects.create(number=1, document=seeded_document, note="test")


@pytest.fixture(scope="session")
def collected_static_root(tmp_path_factory) -> str:
    """Static files collected once with the production storage (hashed manifest), as deployed.

    A production process renders every page with hashed static names, so it needs them.
    """
    from tests.production.helpers import production_environment, run_manage

    root = str(tmp_path_factory.mktemp("collected-static"))
    result = run_manage(
        "collectstatic", "--noinput", "-v0", **production_environment(STATIC_ROOT=root)
    )
    assert result.returncode == 0, result.stderr
    return root
