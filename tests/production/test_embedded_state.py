"""The embedded PostgreSQL's own state: a damaged list of users or a killed server stops nothing.

Each test runs manage.py in subprocesses on an embedded server of its own (EMBEDDED_DATABASE_DIR
in a temporary folder), never on the project's .pgdata that `make run` and other test runs share.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from symptomcheck.database import (
    forget_processes_that_died,
    read_process_list,
    write_process_list,
)
from tests.production.helpers import PROJECT_DIR

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="the embedded server's Unix-socket set-up is tested on POSIX"
)


def environment(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "EMBEDDED_DATABASE_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    return env


def manage(data_dir: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_DIR,
        env=environment(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )


def postmaster_pid(data_dir: Path) -> int | None:
    pid_file = data_dir / "postmaster.pid"
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text().splitlines()[0])
    return pid if psutil.pid_exists(pid) else None


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A fresh embedded server's data folder, initialised by a first command (then stopped)."""
    folder = tmp_path / "pgdata"
    first = manage(folder, "check", "--database", "default")
    assert first.returncode == 0, first.stderr
    yield folder
    # Whatever happened, no server of this test keeps running.
    pid = postmaster_pid(folder)
    if pid is not None:
        os.kill(pid, signal.SIGTERM)


@pytest.mark.parametrize("damage", ["", "[12", "{}", '["x"]', "\x00\x00"])
def test_a_damaged_list_of_users_is_read_as_empty(tmp_path, damage):
    users = tmp_path / ".handle_pids.json"
    users.write_text(damage)
    assert read_process_list(users) == []
    forget_processes_that_died(tmp_path)
    assert json.loads(users.read_text()) == []


def test_the_list_of_users_is_written_whole(tmp_path):
    users = tmp_path / ".handle_pids.json"
    write_process_list(users, [os.getpid()])
    assert json.loads(users.read_text()) == [os.getpid()]
    assert [path.name for path in tmp_path.iterdir()] == [".handle_pids.json"]


@pytest.mark.parametrize("damage", ["", "[12"], ids=["empty", "truncated"])
def test_a_command_runs_after_the_list_of_users_was_truncated(data_dir, damage):
    (data_dir / ".handle_pids.json").write_text(damage)

    result = manage(data_dir, "check", "--database", "default")

    assert result.returncode == 0, result.stderr
    assert "AppRegistryNotReady" not in result.stderr
    # The command was the server's only user: it stopped the server on its way out.
    assert read_process_list(data_dir / ".handle_pids.json") == []
    assert postmaster_pid(data_dir) is None


def test_a_killed_server_is_started_again_by_the_next_command(data_dir):
    # A long-lived user (like a server process) keeps the embedded server running...
    holder = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", "import time; time.sleep(120)"],
        cwd=PROJECT_DIR,
        env=environment(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while postmaster_pid(data_dir) is None or holder.pid not in read_process_list(
            data_dir / ".handle_pids.json"
        ):
            assert time.monotonic() < deadline, "the embedded server did not start"
            assert holder.poll() is None, "the holding process ended early"
            time.sleep(0.1)
        killed = postmaster_pid(data_dir)
        # ...until the server is killed outright.
        os.kill(killed, signal.SIGKILL)
        while psutil.pid_exists(killed):
            time.sleep(0.05)

        result = manage(data_dir, "check", "--database", "default")

        assert result.returncode == 0, result.stderr
        restarted = postmaster_pid(data_dir)
        assert restarted is not None, (data_dir / "log").read_text()[-3000:]
        assert restarted != killed
    finally:
        holder.send_signal(signal.SIGTERM)
        holder.wait(timeout=60)
    # The last user's exit stops the server it restarted.
    assert postmaster_pid(data_dir) is None
