"""Shared test set-up: every database test runs on a real PostgreSQL (embedded or DATABASE_URL)."""

import os

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
