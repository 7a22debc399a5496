"""Two app servers behind one address share the questionnaire and the rate limits through Redis.

With REDIS_URL set, sessions, the cache and so django-ratelimit's counters live in Redis
(Django's own RedisCache), so any server behind a load balancer carries on what another began.
This starts a Redis of its own (``redis-server`` from the system's packages: .ci/run installs
it; a developer's machine gets it here when it can, else the test fails saying how) and two
gunicorn servers on free ports, each with a runtime folder of its own, on
this run's PostgreSQL test database. One browser (one cookie jar) alternates between them, as a
round-robin load balancer would send it.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.production.helpers import (
    FINISHED,
    Walk,
    database_url,
    free_port,
    random_secret_key,
    start_gunicorn,
    step_data,
)

RATE_LIMIT = 20  # questionnaire posts per client address and hour, on each server's settings
PATIENT = "203.0.113.10"
FLOODER = "198.51.100.77"


def install_redis_server() -> str | None:
    """Debian's redis-server, installed as .ci/run does when this machine allows it."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "redis-server"]
    for command in (["apt-get", "update", "-qq"], install):
        subprocess.run(command, env=environment, capture_output=True, timeout=600)
    return shutil.which("redis-server")


def redis_server_executable() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    if os.environ.get("CI") == "true":
        # CI installs it in .ci/run: missing there is a broken build, never a skip.
        pytest.fail(
            "redis-server is missing: .ci/run installs it (apt-get install redis-server)",
            pytrace=False,
        )
    found = install_redis_server()
    if found:
        return found
    pytest.fail(
        "The multi-server test needs redis-server: install it (Debian and Ubuntu: "
        "apt-get install redis-server; macOS: brew install redis) and run the tests again.",
        pytrace=False,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """A Redis of this test's own on loopback (no persistence), stopped at the end."""
    import redis

    executable = redis_server_executable()
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    server = subprocess.Popen(
        [
            executable,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
            "--maxmemory-policy",
            "noeviction",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert server.poll() is None, "redis-server exited at start"
                assert time.monotonic() < deadline, "redis-server did not answer within 20 s"
                time.sleep(0.1)
        yield url
    finally:
        client.close()
        stop(server)


@dataclass
class AppServer:
    url: str
    runtime: Path
    process: subprocess.Popen
    log: Path


@pytest.fixture
def two_servers(redis_url, published_committed, tmp_path) -> Iterator[list[AppServer]]:
    """Two gunicorn servers on one database and one Redis, nothing else shared.

    DEBUG=1 only spares the test collectstatic (WhiteNoise then serves from the app folders);
    sessions, cache and rate limits are set up the same as in production.
    """
    import redis
    from django.db import connection

    redis.Redis.from_url(redis_url).flushdb()
    shared = {
        "DEBUG": "1",
        "SECRET_KEY": random_secret_key(),  # the same on every server, as deployed
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": redis_url,
        # The load balancer in front is the trusted proxy that names each client.
        "TRUSTED_PROXIES": "127.0.0.1/32",
        "QUESTIONNAIRE_RATE_LIMIT": f"{RATE_LIMIT}/h",
        "KNOWLEDGE_BASE_RECHECK_SECONDS": "0",
        "WEB_CONCURRENCY": "1",
    }
    servers: list[AppServer] = []
    try:
        for name in ("a", "b"):
            port = free_port()
            runtime = tmp_path / name
            runtime.mkdir()
            log = tmp_path / f"gunicorn-{name}.log"
            with log.open("w") as output:
                process = start_gunicorn(
                    {
                        **os.environ,
                        **shared,
                        "BIND": f"127.0.0.1:{port}",
                        "RUNTIME_DIR": str(runtime),
                        "CACHE_DIR": str(runtime / "cache"),
                    },
                    output,
                )
            servers.append(AppServer(f"http://127.0.0.1:{port}", runtime, process, log))
        for server in servers:
            deadline = time.monotonic() + 60
            while health(server.url) != 200:
                assert server.process.poll() is None, server.log.read_text()[-3000:]
                assert time.monotonic() < deadline, server.log.read_text()[-3000:]
                time.sleep(0.2)
        yield servers
    finally:
        for server in servers:
            stop(server.process)


def health(url: str) -> int | None:
    """/health/'s status, or None while nothing listens yet."""
    try:
        with urllib.request.urlopen(url + "/health/", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


@dataclass
class Response:
    status: int
    location: str
    body: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: one cookie jar for every server, redirects not followed."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )

    def request(self, url: str, data: dict | None = None) -> Response:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"X-Forwarded-For": self.address})
        try:
            with self.opener.open(request, timeout=30) as response:
                return Response(response.status, "", response.read().decode())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers.get("Location", ""), error.read().decode())

    def get(self, url: str) -> Response:
        return self.request(url)

    def post(self, url: str, data: dict) -> Response:
        return self.request(url, data)


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return html.unescape(match.group(1))


def test_a_questionnaire_begun_on_one_server_is_finished_on_the_other(two_servers):
    from questionnaire.models import CompletedAssessment

    first, second = two_servers
    browser = Browser(PATIENT)
    start = browser.get(first.url + "/check/")
    assert (start.status, start.location) == (302, "/check/about_you/")
    token = csrf_token(browser.get(first.url + "/check/about_you/").body)

    walk = Walk(age=51, sex="female", weeks=10, yes=frozenset({"morning_stiffness_over_30min"}))
    steps = walk.steps()
    served_by = []
    for index, step in enumerate(steps):
        # Round robin: each step goes to the other server than the one before.
        server = two_servers[index % 2]
        data = {**step_data(step, walk.answers_for(step)), "csrfmiddlewaretoken": token}
        response = browser.post(f"{server.url}/check/{step}/", data)
        assert response.status == 302, (step, server.url, response.status, response.body[:500])
        served_by.append(server.url)
    assert response.location == FINISHED
    assert set(served_by) == {first.url, second.url}

    # The last step was posted to one server; the other one keeps the assessment and shows it.
    other = second if served_by[-1] == first.url else first
    finished = browser.get(other.url + FINISHED)
    assert (finished.status, finished.location) == (302, "/result/")
    result = browser.get(other.url + "/result/")
    assert result.status == 200
    assert "not a diagnosis" in result.body

    assert CompletedAssessment.objects.get().answers == walk.expected_answers()
    # Nothing of it was kept on either machine: no session file, no cache file.
    for server in two_servers:
        kept = [path for path in server.runtime.rglob("*") if path.is_file()]
        assert kept == [], kept


def test_a_rate_limit_holds_across_both_servers(two_servers):
    first, second = two_servers
    browser = Browser(FLOODER)
    browser.get(first.url + "/check/")
    token = csrf_token(browser.get(first.url + "/check/about_you/").body)
    answers = {"age": "40", "sex": "male", "duration_weeks": "2"}
    data = {**step_data("about_you", answers), "csrfmiddlewaretoken": token}

    statuses: dict[str, list[int]] = {first.url: [], second.url: []}
    for attempt in range(2 * RATE_LIMIT):
        server = two_servers[attempt % 2]
        statuses[server.url].append(browser.post(server.url + "/check/about_you/", data).status)

    accepted = sum(status == 302 for codes in statuses.values() for status in codes)
    # One limit for the client, counted by both servers together: each server on its own would
    # have let RATE_LIMIT through, 2 × RATE_LIMIT in all.
    assert accepted == RATE_LIMIT, statuses
    for url, codes in statuses.items():
        assert codes[: RATE_LIMIT // 2] == [302] * (RATE_LIMIT // 2), (url, codes)
        assert codes[RATE_LIMIT // 2 :] == [429] * (RATE_LIMIT // 2), (url, codes)
    # Another client behind the same load balancer is not held back by it, on either server.
    other = Browser(PATIENT)
    other.get(second.url + "/check/")
    other_token = csrf_token(other.get(second.url + "/check/about_you/").body)
    other_data = {**step_data("about_you", answers), "csrfmiddlewaretoken": other_token}
    for server in two_servers:
        assert other.post(server.url + "/check/about_you/", other_data).status == 302


SETTINGS_PROBE = (
    "from django.conf import settings; "
    "print(settings.SESSION_ENGINE, settings.CACHES['default']['BACKEND'])"
)


def test_without_redis_url_state_stays_in_this_machines_files():
    from tests.production.helpers import run_manage

    result = run_manage("shell", "-c", SETTINGS_PROBE, REDIS_URL="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "django.contrib.sessions.backends.file",
        "django.core.cache.backends.filebased.FileBasedCache",
    ]


def test_with_redis_url_sessions_and_cache_are_in_redis_and_a_bad_url_is_refused():
    from tests.production.helpers import run_manage

    result = run_manage("shell", "-c", SETTINGS_PROBE, REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "django.contrib.sessions.backends.cache",
        "django.core.cache.backends.redis.RedisCache",
    ]
    refused = run_manage("check", REDIS_URL="http://cache.example.org")
    assert refused.returncode == 1
    assert "REDIS_URL must be a Redis URL" in refused.stderr
