"""Fixtures for the production-readiness tests: a published knowledge base, committed or not.

The wizard is rate-limited per address (QUESTIONNAIRE_RATE_LIMIT); the test client always comes
from 127.0.0.1 and these tests post hundreds of steps, so rate limiting is switched off here.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.RATELIMIT_ENABLE = False


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
