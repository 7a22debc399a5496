"""A form sent with an expired or missing token: a "timed out" page that leads back to the same
question, and nothing the person answered before is lost."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.production.helpers import Walk, step_data

pytestmark = pytest.mark.django_db

TIMED_OUT = "Your page timed out"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def token_of(response) -> str:
    return TOKEN.search(response.content.decode()).group(1)


def post(client: Client, step: str, answers: dict, token: str | None):
    data = step_data(step, answers)
    if token is not None:
        data["csrfmiddlewaretoken"] = token
    return client.post(f"/check/{step}/", data)


@pytest.fixture
def browser(published) -> tuple[Client, Walk]:
    """A browser that checks tokens, with "About you" answered and "Warning signs" on screen."""
    client = Client(enforce_csrf_checks=True)
    walk = Walk(age=58)
    page = client.get("/check/", follow=True)
    response = post(client, "about_you", walk.answers_for("about_you"), token_of(page))
    assert response.status_code == 302
    assert response["Location"] == "/check/questions_1/"
    return client, walk


def assert_timed_out_page_leads_back(response, step: str) -> None:
    page = response.content.decode()
    assert response.status_code == 403
    assert TIMED_OUT in page
    assert f'href="/check/{step}/"' in page


def assert_about_you_kept(client: Client) -> None:
    page = client.get("/check/about_you/").content.decode()
    assert 'value="58"' in page
    assert re.search(r'value="female"[^>]*checked', page)


def test_a_stale_token_gives_the_timed_out_page_and_keeps_the_answers(browser):
    client, walk = browser
    page = client.get("/check/questions_1/")
    stale = token_of(page)
    # The token rotates (as at a log-in, or after the cookie expired and a new one was issued).
    client.cookies.pop("csrftoken")
    client.get("/check/questions_1/")

    response = post(client, "questions_1", walk.answers_for("questions_1"), stale)

    assert_timed_out_page_leads_back(response, "questions_1")
    assert_about_you_kept(client)


def test_an_expired_token_cookie_gives_the_timed_out_page_and_keeps_the_answers(browser):
    client, walk = browser
    token = token_of(client.get("/check/questions_1/"))
    client.cookies.pop("csrftoken")  # the browser dropped the cookie

    response = post(client, "questions_1", walk.answers_for("questions_1"), token)

    assert_timed_out_page_leads_back(response, "questions_1")
    assert_about_you_kept(client)


def test_after_timing_out_the_person_carries_on_from_the_same_question(browser):
    client, walk = browser
    post(client, "questions_1", walk.answers_for("questions_1"), "stale" * 10)

    page = client.get("/check/questions_1/")
    response = post(client, "questions_1", walk.answers_for("questions_1"), token_of(page))

    assert response.status_code == 302
    assert response["Location"] == "/check/questions_2/"


def test_a_timed_out_form_outside_the_questionnaire_leads_to_the_start(browser):
    client, _ = browser
    response = client.post("/start-over/", {"csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    page = response.content.decode()
    assert TIMED_OUT in page
    assert 'href="/"' in page
    assert_about_you_kept(client)  # the refused start-over deleted nothing
