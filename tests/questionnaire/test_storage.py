"""The answers in progress are written to the session when they change, not on every page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

ABOUT_YOU = {
    "age": "40",
    "sex": "male",
    "side": "both",
    "duration": "6",
    "duration_unit": "weeks",
}


def test_showing_a_step_writes_nothing_and_answering_it_does(client, post_step, published):
    post_step("about_you", ABOUT_YOU)

    shown = client.get("/check/questions_1/")
    assert shown.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in shown.cookies  # the session was not saved

    codes = set(re.findall(r'name="questions_1-(\w+)" value="no"', shown.content.decode()))
    answered = post_step("questions_1", dict.fromkeys(codes, "no"))
    assert answered.status_code == 302
    assert settings.SESSION_COOKIE_NAME in answered.cookies
    assert set(client.session["wizard_questionnaire_wizard"]["step_data"]["questions_1"]) >= {
        f"questions_1-{code}" for code in codes
    }


def test_going_back_to_another_step_is_remembered(client, post_step, published):
    post_step("about_you", ABOUT_YOU)

    back = client.get("/check/about_you/")

    assert settings.SESSION_COOKIE_NAME in back.cookies
    assert client.session["wizard_questionnaire_wizard"]["step"] == "about_you"
    assert client.session["wizard_questionnaire_wizard"]["step_data"]["about_you"][
        "about_you-age"
    ] == ["40"]
