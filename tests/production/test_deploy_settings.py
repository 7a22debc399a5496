"""S1 and S2 (production part): Django's deployment checks pass, and a production process sends
HSTS and Secure, HttpOnly cookies.

These run manage.py in a fresh interpreter, because the settings are read from the environment
once, at start-up.
"""

from __future__ import annotations

import json

import pytest

from tests.production.helpers import database_url, production_environment, run_manage

ONE_YEAR = 31_536_000

# Drives the production WSGI application with Django's test client, inside the subprocess,
# with the static files collected first (hashed manifest), as a deployment has them.
PRODUCTION_PROBE = """
import json
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

names = [
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
]
report = {"settings": {name: getattr(settings, name) for name in names}}
with override_settings(RATELIMIT_ENABLE=False):
    client = Client(HTTP_HOST="example.org")
    plain = client.get("/how-it-works/")
    report["plain_http"] = {"status": plain.status_code, "location": plain.get("Location")}
    page = client.get("/check/", secure=True, follow=True)
    report["step"] = {
        "status": page.status_code,
        "headers": dict(page.headers),
        "cookies": {
            name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]),
                   "samesite": m["samesite"]}
            for name, m in client.cookies.items()
        },
    }
print("PROBE:" + json.dumps(report))
"""


def test_the_deployment_checks_pass_with_no_warning_in_production_mode():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production_environment())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output
    assert "security.W" not in output


def test_production_mode_refuses_a_weak_secret_key():
    result = run_manage("check", "--deploy", **production_environment(SECRET_KEY="x" * 20))
    assert result.returncode != 0
    assert "too weak" in result.stderr


@pytest.fixture
def production_report(published_committed, tmp_path, collected_static_root):
    """What a production process (DEBUG=0, HTTPS_ONLY=1) sends, driven in a subprocess."""
    from django.db import connection

    environment = production_environment(
        DATABASE_URL=database_url(connection.settings_dict),
        RUNTIME_DIR=str(tmp_path),
        CACHE_DIR=str(tmp_path / "cache"),  # not a new folder in /dev/shm for every run
        STATIC_ROOT=collected_static_root,
    )
    result = run_manage("shell", "-c", PRODUCTION_PROBE, **environment)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE:"))
    return json.loads(line.removeprefix("PROBE:"))


def test_production_mode_sends_hsts_for_a_year_and_secure_httponly_cookies(production_report):
    values = production_report["settings"]
    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= ONE_YEAR
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    for name in ("SESSION_COOKIE", "CSRF_COOKIE"):
        assert values[f"{name}_SECURE"] is True, name
        assert values[f"{name}_HTTPONLY"] is True, name

    step = production_report["step"]
    assert step["status"] == 200
    hsts = step["headers"]["Strict-Transport-Security"]
    max_age = int(hsts.split("max-age=")[1].split(";")[0])
    assert max_age >= ONE_YEAR
    assert "includeSubDomains" in hsts
    cookies = step["cookies"]
    assert {"sessionid", "csrftoken"} <= set(cookies)
    for name in ("sessionid", "csrftoken"):
        assert cookies[name]["secure"], name
        assert cookies[name]["httponly"], name
        assert cookies[name]["samesite"] == "Lax", name


def test_production_mode_redirects_plain_http_to_https(production_report):
    plain = production_report["plain_http"]
    assert plain["status"] == 301
    assert plain["location"].startswith("https://example.org/")
