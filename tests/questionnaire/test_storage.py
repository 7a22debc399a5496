"""The answers in progress are written to the session when they change, not on every page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

ABOUT_YOU = {"age": "40", "sex": "male", "duration_weeks": "6"}


def test_showing_a_step_writes_nothing_and_answering_it_does(client, post_step, published):
    post_step("about_you", ABOUT_YOU)

    shown = client.get("/check/warning_signs/")
    assert shown.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in shown.cookies  # the session was not saved

    codes = set(re.findall(r'name="warning_signs-(\w+)"', shown.content.decode()))
    answered = post_step("warning_signs", dict.fromkeys(codes, "no"))
    assert answered.status_code == 302
    assert settings.SESSION_COOKIE_NAME in answered.cookies
    assert set(client.session["wizard_questionnaire_wizard"]["step_data"]["warning_signs"]) >= {
        f"warning_signs-{code}" for code in codes
    }


def test_going_back_to_another_step_is_remembered(client, post_step, published):
    post_step("about_you", ABOUT_YOU)

    back = client.get("/check/about_you/")

    assert settings.SESSION_COOKIE_NAME in back.cookies
    assert client.session["wizard_questionnaire_wizard"]["step"] == "about_you"
    assert client.session["wizard_questionnaire_wizard"]["step_data"]["about_you"][
        "about_you-age"
    ] == ["40"]
