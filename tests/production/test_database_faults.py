"""Database faults: /health/ says when to ask again; every connection carries its time limits."""

from __future__ import annotations

import socket
import time

import pytest
from django.db import OperationalError, connection

from symptomcheck.database import ensure_database_exists, with_time_limits
from tests.production.helpers import run_manage


@pytest.mark.django_db
def test_health_is_200_while_the_database_answers(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_healths_503_says_when_to_ask_again(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable"}
    assert int(response["Retry-After"]) > 0


def test_every_connection_carries_time_limits_and_keepalives(settings):
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["connect_timeout"] == 4
    assert "-c statement_timeout=15000" in options["options"]
    assert "-c idle_in_transaction_session_timeout=60000" in options["options"]
    assert (options["keepalives"], options["keepalives_idle"]) == (1, 30)
    assert (options["keepalives_interval"], options["keepalives_count"]) == (10, 3)
    # A new connection per request: connecting is bounded, a kept connection's query is not.
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0


@pytest.mark.django_db
def test_the_server_applies_the_limits():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "15s"
        cursor.execute("SHOW idle_in_transaction_session_timeout")
        assert cursor.fetchone()[0] == "1min"


def test_limits_given_in_database_url_win():
    options = with_time_limits(
        {"connect_timeout": 2, "options": "-c statement_timeout=500 -c search_path=app"},
        statement_timeout=15,
        idle_in_transaction_timeout=60,
    )
    assert options["connect_timeout"] == 2
    assert options["options"] == (
        "-c statement_timeout=500 -c search_path=app -c idle_in_transaction_session_timeout=60000"
    )


@pytest.fixture
def hung_server():
    """A 'PostgreSQL' on loopback that takes connections and never answers (a hung server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


PROBE = """
import time
from django.test import Client
client = Client()
for path in ("/health/", "/check/about_you/", "/", "/how-it-works/", "/privacy/"):
    started = time.monotonic()
    response = client.get(path)
    print("PAGE", path, response.status_code, response.get("Retry-After"),
          round(time.monotonic() - started, 2))
"""


def test_a_hung_database_gives_the_503_page_within_5_seconds(hung_server):
    result = run_manage(
        "shell",
        "-c",
        PROBE,
        DATABASE_URL=f"postgresql://nobody@127.0.0.1:{hung_server}/symptomcheck",
        ALLOWED_HOSTS="testserver",
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    pages = {
        words[1]: (int(words[2]), words[3], float(words[4]))
        for words in (line.split() for line in result.stdout.splitlines())
        if words and words[0] == "PAGE"
    }
    # Pages that need the database: the calm 503 with Retry-After, within 5 s.
    for path in ("/health/", "/check/about_you/"):
        status, retry_after, seconds = pages[path]
        assert status == 503, path
        assert int(retry_after) > 0, path
        assert seconds < 5.0, (path, seconds)
    # Pages that need none still serve, at once.
    for path in ("/", "/how-it-works/", "/privacy/"):
        status, _, seconds = pages[path]
        assert status == 200, path
        assert seconds < 1.0, (path, seconds)


def test_making_sure_the_database_exists_does_not_wait_for_a_hung_server(hung_server):
    # Reading the settings connects nowhere (test_embedded_state: a fresh process with the
    # embedded server SIGSTOPped). Scripts that start the embedded server themselves
    # (benchmarks/load_benchmark.py) make sure its database exists: a server that never
    # answers costs them at most connect_timeout, with a warning.
    started = time.monotonic()
    with pytest.warns(RuntimeWarning, match="does not answer"):
        ensure_database_exists(
            f"postgresql://nobody@127.0.0.1:{hung_server}/postgres", "symptomcheck"
        )
    assert time.monotonic() - started < 5.0
