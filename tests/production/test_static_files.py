"""Production static files: with collectstatic's hashed manifest (as with DEBUG=0) every page
renders, and the PDF summary still finds its stylesheets.

A static reference missing from the manifest raises only when DEBUG=0 (whitenoise #37, #625), so
these tests collect the files into a temporary folder and render with the manifest storage.
"""

from __future__ import annotations

import logging

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.production.helpers import walk_to_result

pytestmark = pytest.mark.django_db

MANIFEST_STORAGE = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


def storages(settings) -> dict:
    return {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """The static files collected once, hashed, into a temporary STATIC_ROOT."""
    from django.conf import settings

    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=root, STORAGES=storages(settings)):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


@pytest.fixture
def production_static(settings, collected):
    settings.STATIC_ROOT = collected
    settings.STORAGES = storages(settings)
    settings.WHITENOISE_USE_FINDERS = False


def test_every_page_renders_with_the_hashed_static_files(client, published, production_static):
    walk_to_result(client)
    for path in ("/", "/how-it-works/", "/privacy/", "/check/about_you/", "/result/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert ".css" in response.content.decode()


def test_the_pdf_summary_keeps_its_stylesheets_with_hashed_static_files(
    client, published, production_static, caplog
):
    walk_to_result(client)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = client.get("/result/summary.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    not_loaded = [
        record.getMessage()
        for record in caplog.records
        if "stylesheet" in record.getMessage().lower() or "Not loaded" in record.getMessage()
    ]
    assert not not_loaded, not_loaded
