"""Commands run before the database is ready end in one line saying what to run, not a traceback.

Each test runs ``manage.py`` in a subprocess against a real, empty PostgreSQL database created on
the test server (no tables: what a fresh clone has after ``make test`` alone), or against one
that does not exist. ``evaluate_vignettes`` works there all the same, on the seed knowledge files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import psycopg2
import pytest
from django.db import connection

from tests.conftest import PROJECT_DIR

# pub-07 of the public vignettes: an older woman who fell and cannot bear weight.
VIGNETTE = {
    "id": "fall",
    "answers": {
        "age": 83,
        "sex": "female",
        "duration_weeks": 0,
        "findings": {"recent_trauma": True, "unable_to_bear_weight": True, "pain_groin": True},
    },
    "expected_top": "hip_fracture",
    "acceptable": [],
    "expected_triage": "emergency",
}


def server_parameters() -> dict[str, str]:
    """How the tests reach their PostgreSQL server (the host may be a Unix socket folder)."""
    parameters = connection.get_connection_params()
    return {
        key: str(parameters[key])
        for key in ("user", "password", "host", "port")
        if parameters.get(key) not in (None, "")
    }


def server_url(name: str) -> str:
    """A DATABASE_URL for database ``name`` on the server the tests run on."""
    server = server_parameters()
    credentials = quote(server.get("user", ""), safe="")
    if "password" in server:
        credentials += ":" + quote(server["password"], safe="")
    host = server.get("host", "")
    if host.startswith("/"):  # a Unix socket folder (the embedded server)
        query = {key: server[key] for key in ("host", "port") if key in server}
        return f"postgresql://{credentials}@/{name}?{urlencode(query)}"
    port = f":{server['port']}" if "port" in server else ""
    return f"postgresql://{credentials}@{host}{port}/{name}"


def maintenance_connection():
    maintenance = psycopg2.connect(dbname="postgres", **server_parameters())
    maintenance.autocommit = True
    return maintenance


@pytest.fixture(scope="module")
def empty_database_url() -> Iterator[str]:
    """A new database with no tables at all, dropped afterwards."""
    name = f"symptomcheck_unmigrated_{os.getpid()}"
    maintenance = maintenance_connection()
    try:
        with maintenance.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield server_url(name)
        with maintenance.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        maintenance.close()


def run_manage(database_url: str, *arguments: str, **environment: str):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_DIR,
        env={**os.environ, "DATABASE_URL": database_url, **environment},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def one_line(stderr: str) -> str:
    """The only line of ``stderr`` besides Django's warning about unapplied migrations."""
    lines = [
        line
        for line in stderr.strip().splitlines()
        if "unapplied migration" not in line and not line.startswith("Run 'python manage.py")
    ]
    assert "Traceback" not in stderr
    assert len(lines) == 1, stderr
    return lines[0]


def test_evaluate_vignettes_on_an_unmigrated_database_measures_the_seed_files(
    empty_database_url, tmp_path
):
    vignettes = tmp_path / "vignettes.json"
    vignettes.write_text(json.dumps([VIGNETTE]), encoding="utf-8")

    result = run_manage(empty_database_url, "evaluate_vignettes", str(vignettes), "--json")

    assert result.returncode == 0, result.stderr
    note = one_line(result.stderr)
    assert "no tables yet" in note
    assert "make database" in note
    assert "seed knowledge files" in note
    totals = json.loads(result.stdout.strip().splitlines()[-1])
    assert totals["cases"] == 1
    assert totals["errors"] == 0
    assert totals["knowledge_base_version"] == 0  # the files, not a published version
    assert totals["emergency_missed"] == 0


@pytest.mark.parametrize(
    "arguments",
    [
        ("export_knowledge_base",),
        ("delete_old_assessments",),
        ("load_knowledge_base", "knowledge/", "--publish"),
        ("createsuperuser", "--noinput", "--username", "admin", "--email", "a@example.org"),
    ],
    ids=lambda arguments: arguments[0],
)
def test_a_command_on_an_unmigrated_database_names_what_to_run(empty_database_url, arguments):
    result = run_manage(empty_database_url, *arguments)

    assert result.returncode == 1
    message = one_line(result.stderr)
    assert message.startswith("symptomcheck: the database has no tables yet")
    assert "make database" in message
    assert "manage.py migrate" in message


def test_traceback_still_shows_the_traceback_when_asked(empty_database_url):
    result = run_manage(empty_database_url, "export_knowledge_base", "--traceback")

    assert result.returncode != 0
    assert "Traceback" in result.stderr
    assert "does not exist" in result.stderr


def test_a_database_that_does_not_exist_is_named_in_one_line():
    result = run_manage(server_url(f"symptomcheck_absent_{os.getpid()}"), "migrate", "--check")

    assert result.returncode == 1
    message = one_line(result.stderr)
    assert "does not exist" in message
    assert "create it (createdb NAME) or correct DATABASE_URL" in message
