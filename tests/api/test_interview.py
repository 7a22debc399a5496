"""POST /api/v1/interview: the adaptive interview, stateless (issue 16)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

URL = "/api/v1/interview"

pytestmark = pytest.mark.usefixtures("published")


def policy():
    """The published scoring policy's interview figures (knowledge/scoring.yaml)."""
    from conditions.published import published_knowledge_base

    return published_knowledge_base().interview_policy


def step(client: Client, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(URL, json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_first_page_asks_the_warning_signs(client):
    result = step(client, {"age": 6, "sex": "male", "duration_weeks": 1, "findings": {}})
    assert not result["should_stop"]
    assert result["stop_reason"] == "not_yet"
    # The opening questions the scoring policy counts: age, sex, how long, which side.
    assert result["questions_asked"] == policy().opening_questions == 4
    assert result["questions"]
    assert all(question["warning_sign"] for question in result["questions"])
    assert "fever" in {question["code"] for question in result["questions"]}
    assert result["assessment"]["knowledge_base_version"] == result["knowledge_base_version"]


def test_a_child_s_questions_are_worded_for_a_parent(client):
    from conditions.published import published_knowledge_base

    child = step(client, {"age": 6, "sex": "male", "duration_weeks": 1, "findings": {}})
    fever = next(question for question in child["questions"] if question["code"] == "fever")
    written = published_knowledge_base().findings["fever"]
    assert fever["question"] == written.question_for_child != written.question
    assert fever["question_for_child"] == written.question_for_child  # both, for clients
    adult = step(client, {"age": 40, "sex": "male", "duration_weeks": 1, "findings": {}})
    fever = next(question for question in adult["questions"] if question["code"] == "fever")
    assert fever["question"] == written.question


def test_a_client_that_answers_each_page_reaches_a_stop(client):
    # A woman of 34 with lupus features: every question she is asked she answers from this
    # list, and "not sure" (null) to anything else.
    says = {
        "malar_rash": True,
        "photosensitive_rash": True,
        "mouth_ulcers": True,
        "fatigue": True,
        "other_joints_swollen": True,
        "small_joints_hands_feet": True,
    }
    body: dict[str, Any] = {"age": 34, "sex": "female", "duration_weeks": 10, "findings": {}}
    for _page in range(20):
        result = step(client, body)
        if result["should_stop"]:
            break
        for question in result["questions"]:
            body["findings"][question["code"]] = says.get(question["code"], False)
    assert result["should_stop"]
    assert result["questions"] == []
    assert result["questions_asked"] == policy().opening_questions + len(body["findings"])
    assert result["questions_asked"] <= policy().max_questions
    assert result["assessment"]["triage"] in {"soon", "urgent"}


def test_a_null_answer_counts_as_asked(client):
    first = step(client, {"age": 40, "sex": "female", "duration_weeks": 1, "findings": {}})
    asked = {question["code"]: None for question in first["questions"]}
    second = step(client, {"age": 40, "sex": "female", "duration_weeks": 1, "findings": asked})
    again = {question["code"] for question in second["questions"]}
    # Not sure of a temperature brings its plainer follow-up; nothing already asked comes back.
    assert not again & set(asked)
    if "fever" in asked:
        assert second["questions"][0]["code"] == "feels_hot_or_shivery"


def test_bad_answers_are_a_400_naming_the_field(client):
    response = client.post(
        URL,
        json.dumps({"age": 400, "sex": "female", "findings": {}}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["age"]


def test_the_interview_is_in_the_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "post" in schema["paths"]["/api/v1/interview"]
