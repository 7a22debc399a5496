"""The embedded PostgreSQL's own state: a damaged list of users or a killed server stops nothing,
and reading the settings never waits for it.

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
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from symptomcheck.database import (
    forget_processes_that_died,
    read_process_list,
    write_process_list,
)
from tests.production.helpers import PROJECT_DIR, free_port, start_gunicorn

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


def start_holder(data_dir: Path) -> subprocess.Popen:
    """A long-lived user of the embedded server (like a server process), once it runs."""
    holder = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", "import time; time.sleep(120)"],
        cwd=PROJECT_DIR,
        env=environment(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while postmaster_pid(data_dir) is None or holder.pid not in read_process_list(
        data_dir / ".handle_pids.json"
    ):
        assert time.monotonic() < deadline, "the embedded server did not start"
        assert holder.poll() is None, "the holding process ended early"
        time.sleep(0.1)
    return holder


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# What a new gunicorn worker does: read the settings, load the WSGI application, serve. psycopg2
# (Django's driver here) counts the connections opened.
HUNG_PROBE = """
import os, time
started = time.monotonic()
import psycopg2
connections = []
connect = psycopg2.connect
def counted(*args, **kwargs):
    connections.append(1)
    return connect(*args, **kwargs)
psycopg2.connect = counted
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "symptomcheck.settings")
import symptomcheck.settings
print("SETTINGS", len(connections), round(time.monotonic() - started, 2), flush=True)
from symptomcheck.wsgi import application
from django.test import Client
client = Client()
for path in ("/", "/how-it-works/", "/health/"):
    started = time.monotonic()
    response = client.get(path)
    print("PAGE", path, response.status_code, len(connections),
          round(time.monotonic() - started, 2), flush=True)
"""


def test_importing_the_settings_never_touches_a_hung_embedded_server(data_dir):
    holder = start_holder(data_dir)
    postmaster = postmaster_pid(data_dir)
    os.kill(postmaster, signal.SIGSTOP)
    try:
        probe = subprocess.run(
            [sys.executable, "-c", HUNG_PROBE],
            cwd=PROJECT_DIR,
            env={**environment(data_dir), "ALLOWED_HOSTS": "testserver"},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.kill(postmaster, signal.SIGCONT)
        stop_process(holder)
    assert probe.returncode == 0, probe.stderr
    lines = [line.split() for line in probe.stdout.splitlines()]
    settings_line = next(words for words in lines if words[0] == "SETTINGS")
    pages = {words[1]: words[2:] for words in lines if words[0] == "PAGE"}
    # Reading the settings opened no connection, so it never waited for connect_timeout (4 s).
    assert int(settings_line[1]) == 0, probe.stdout
    assert float(settings_line[2]) < 4.0, probe.stdout
    # The pages that need no database are served at once, still without a connection.
    for path in ("/", "/how-it-works/"):
        status, connections, seconds = pages[path]
        assert (int(status), int(connections)) == (200, 0), (path, probe.stdout)
        assert float(seconds) < 2.0, (path, probe.stdout)
    # A page that needs it tries, and gives the 503 within 5 s.
    status, connections, seconds = pages["/health/"]
    assert int(status) == 503, probe.stdout
    assert int(connections) >= 1, probe.stdout
    assert float(seconds) < 5.0, probe.stdout


def status_of(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


def test_a_killed_server_is_started_again_by_the_running_app(data_dir, tmp_path):
    port = free_port()
    health = f"http://127.0.0.1:{port}/health/"
    log = (tmp_path / "gunicorn.log").open("w")
    app = start_gunicorn(
        {
            **environment(data_dir),
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "1",
            "RUNTIME_DIR": str(tmp_path / "var"),
        },
        log,
    )
    try:
        # The worker's first connection starts the embedded server (nothing else started it).
        deadline = time.monotonic() + 60
        while status_of(health) != 200:
            assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()[-3000:]
            assert app.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            time.sleep(0.2)
        worker = psutil.Process(app.pid).children()[0].pid
        assert worker in read_process_list(data_dir / ".handle_pids.json")
        killed = postmaster_pid(data_dir)

        os.kill(killed, signal.SIGKILL)
        # Until the next connection notices, the app answers 503; then it starts the server
        # again by itself (the dead postmaster must first be reaped by init, which may take
        # a few seconds in a container).
        deadline = time.monotonic() + 60
        statuses = []
        while not statuses or statuses[-1] != 200:
            assert time.monotonic() < deadline, (statuses, (data_dir / "log").read_text()[-3000:])
            statuses.append(status_of(health))
            time.sleep(0.2)
        restarted = postmaster_pid(data_dir)
        assert restarted is not None
        assert restarted != killed
        assert set(statuses) <= {200, 503}, statuses
        # The same worker did it: it was not replaced, and no command was run.
        assert [child.pid for child in psutil.Process(app.pid).children()] == [worker]
    finally:
        stop_process(app)
        log.close()
    # The worker was the server's last user: its exit stopped the server it restarted.
    deadline = time.monotonic() + 30
    while postmaster_pid(data_dir) is not None:
        assert time.monotonic() < deadline, "the restarted server was left running"
        time.sleep(0.2)
