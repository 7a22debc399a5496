"""The project runs on PostgreSQL and serves its first pages."""

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_the_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT '{\"level\": \"urgent\"}'::jsonb ->> 'level'")
        assert cursor.fetchone() == ("urgent",)


@pytest.mark.django_db
def test_the_start_page_is_served(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "not a diagnosis" in response.content.decode()


@pytest.mark.django_db
def test_the_admin_login_page_is_served_at_the_configured_path(client):
    response = client.get(f"/{settings.ADMIN_PATH}login/")
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()
