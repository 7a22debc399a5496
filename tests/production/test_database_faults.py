"""Database faults: /health/ says when to ask again; every connection carries its time limits."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection


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
