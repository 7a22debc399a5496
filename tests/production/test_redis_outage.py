"""With REDIS_URL set and Redis away, people get the calm 503 page (answers kept), never a 500.

Redis here is an address nobody listens on: the session engine and the cache both fail to
connect. A failure inside a view reaches ``DatabaseUnavailableMiddleware``; one inside a
middleware's own code (a session saved on the way out) only Django's 500 handler sees, so the
project's ``server_error`` answers it with the same 503.
"""

from __future__ import annotations

import socket

import pytest
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from symptomcheck.errors import server_error


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_away(settings):
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    return url


@pytest.mark.usefixtures("published")
def test_the_questionnaire_gives_the_503_page_when_redis_is_away(redis_away):
    response = Client(raise_request_exception=False).get("/check/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "999" in response.content.decode()


def test_the_500_handler_answers_a_lost_service_with_the_503(rf):
    # What Django calls when an exception escapes a middleware's own code (a session save on
    # the way out): the error being handled is in sys.exc_info().
    request = rf.get("/check/about_you/")
    try:
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6380")
    except RedisConnectionError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"]
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500


@pytest.mark.django_db
def test_pages_without_a_session_are_still_served(redis_away):
    assert Client(raise_request_exception=False).get("/how-it-works/").status_code == 200
