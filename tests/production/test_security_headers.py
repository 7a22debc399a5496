"""S2: every page a person sees carries the security headers, and answers are never cached."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client, override_settings

from tests.production.helpers import walk_to_result

STEP = "/check/about_you/"
RESULT = "/result/"
PDF = "/result/summary.pdf"
PAGES = ["/", STEP, RESULT, "/result/summary/", PDF, "/health/", "/how-it-works/"]
# Pages that show answers or a result: never kept by a browser or a shared cache.
PRIVATE_PAGES = [STEP, RESULT, "/result/summary/", PDF]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


@pytest.fixture(scope="module")
def responses(django_db_setup, django_db_blocker, seeded_document):
    """Each page's response after a walk (so the result and PDF exist); fetched once, then
    the database is rolled back: the tests only read the headers."""
    from conditions.models import KnowledgeBaseVersion

    pages = {}
    with (
        django_db_blocker.unblock(),
        override_settings(RATELIMIT_ENABLE=False),
        transaction.atomic(),
    ):
        KnowledgeBaseVersion.objects.create(number=1, document=seeded_document, note="test")
        client = Client()
        walk_to_result(client)
        for path in PAGES:
            pages[path] = client.get(path)
        transaction.set_rollback(True)
    for path, response in pages.items():
        assert response.status_code == 200, (path, response.status_code)
    return pages


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_strict_content_security_policy(responses, path):
    header = responses[path].headers["Content-Security-Policy"]
    directives = csp_directives(header)
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts, header
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    assert "*" not in scripts
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_forbids_sniffing_framing_and_powerful_features(responses, path):
    headers = responses[path].headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions
    assert "Server" not in headers


@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_pages_with_answers_or_results_are_never_cached(responses, path):
    cache_control = responses[path].headers["Cache-Control"]
    assert "no-store" in cache_control
    assert "public" not in cache_control


def test_the_health_check_is_never_cached(responses):
    assert "no-store" in responses["/health/"].headers["Cache-Control"]


def test_the_pdf_is_a_download_not_a_page_to_render_inline(responses):
    response = responses[PDF]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_pages_carry_no_inline_script(responses):
    for path in ("/", STEP, RESULT):
        page = responses[path].content.decode()
        assert "<script>" not in page, path
        assert " onclick=" not in page, path
        assert "javascript:" not in page, path


@pytest.mark.django_db
def test_with_production_https_settings_a_secure_request_gets_hsts_for_a_year(
    client, published, settings
):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True

    response = client.get(STEP, secure=True)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert client.cookies["csrftoken"]["secure"]
    assert client.cookies["csrftoken"]["httponly"]
    assert client.cookies["sessionid"]["secure"]
    assert client.cookies["sessionid"]["httponly"]
    assert client.get(STEP).status_code == 301  # plain HTTP is sent to HTTPS
