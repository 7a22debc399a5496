"""Configuration comes from the environment and fails loudly, in one line, when it is wrong."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from symptomcheck.database import validated_database_url
from symptomcheck.environment import (
    admin_path,
    env_flag,
    env_int,
    env_list,
    memory_backed_folder,
)
from tests.conftest import PROJECT_DIR


def run_manage(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_without_a_secret_key_refuses_to_start_and_says_why():
    result = run_manage("check", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_off_with_a_short_secret_key_refuses_to_start():
    result = run_manage("check", DEBUG="0", SECRET_KEY="short")
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_a_database_url_that_is_not_postgresql_is_refused_in_one_line():
    result = run_manage("check", DATABASE_URL="sqlite:///db.sqlite3")
    assert result.returncode != 0
    assert "must be a PostgreSQL URL" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unreachable_database_gives_a_one_line_message():
    result = run_manage(
        "migrate", "--check", DATABASE_URL="postgresql://nobody:secret@127.0.0.1:1/none"
    )
    assert result.returncode != 0
    assert "cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_flags_accept_only_zero_or_one(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "yes")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be 0 or 1"):
        env_flag("SOME_FLAG", default=False)
    monkeypatch.setenv("SOME_FLAG", "1")
    assert env_flag("SOME_FLAG", default=False) is True
    monkeypatch.delenv("SOME_FLAG")
    assert env_flag("SOME_FLAG", default=True) is True


def test_allowed_hosts_are_read_as_a_comma_separated_list(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "example.org, www.example.org,,")
    assert env_list("ALLOWED_HOSTS", []) == ["example.org", "www.example.org"]


def test_whole_numbers_are_checked(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("SOME_NUMBER", 1)


def test_the_admin_path_is_normalised():
    assert admin_path("/staff-only/") == "staff-only/"
    with pytest.raises(ImproperlyConfigured):
        admin_path("/")


def test_a_database_url_without_a_database_name_is_refused():
    with pytest.raises(ImproperlyConfigured, match="names no database"):
        validated_database_url("postgresql://user@localhost:5432")


def test_processes_that_died_are_forgotten_so_the_embedded_server_can_stop(tmp_path):
    from symptomcheck.database import forget_processes_that_died

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    users = tmp_path / ".handle_pids.json"
    users.write_text(f"[{os.getpid()}, {int(dead.stdout)}]")
    forget_processes_that_died(tmp_path)
    assert users.read_text() == f"[{os.getpid()}]"


def test_the_cache_folder_in_shared_memory_is_private_and_one_per_runtime_folder(tmp_path):
    shared_memory = Path("/dev/shm")
    if not (shared_memory.is_dir() and os.access(shared_memory, os.W_OK)):
        assert memory_backed_folder(tmp_path) is None  # the cache stays under RUNTIME_DIR
        return
    first = memory_backed_folder(tmp_path / "one")
    again = memory_backed_folder(tmp_path / "one")
    other = memory_backed_folder(tmp_path / "two")
    try:
        assert first == again != other
        assert first.parent == Path("/dev/shm")
        assert first.stat().st_mode & 0o777 == 0o700
    finally:
        for folder in {first, other}:
            folder.rmdir()
