"""The result is the kept assessment (issue 14).

The result page, the doctor's summary and its PDF show the assessment kept when the questionnaire
finished (its answers, level, ranking and version), explained with that version, whatever has
been published since; a questionnaire finishes under the version it started with; and the
session key is rotated when the result is stored.
"""

from __future__ import annotations

import copy
import html
import io
import re
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from pypdf import PdfReader

from conditions.engine import answers_from_mapping, assess
from conditions.models import KnowledgeBaseVersion
from conditions.published import NoPublishedKnowledgeBase, published_knowledge_base_version
from questionnaire import wizard, wording
from questionnaire.answers import engine_mapping
from questionnaire.models import CompletedAssessment
from tests.production.helpers import Walk, answer_pages
from tests.questionnaire.test_flow import about_you

pytestmark = pytest.mark.django_db

# Outer-hip pain at 45 for 20 weeks, everything else "no": greater trochanteric pain syndrome,
# a routine appointment, under the seeded knowledge base.
AGE, SEX, WEEKS = 45, "female", "20"
YES = {"pain_lateral_hip", "pain_worse_with_activity"}
FIRST = "trochanteric_bursitis"
NEW_NAME = "Version two's name for outer-hip pain"


def version_two(seeded: dict[str, Any]) -> dict[str, Any]:
    """The seeded knowledge base with a different outcome for that person: outer-hip pain now
    needs a doctor today, and has another name."""
    document = copy.deepcopy(seeded)
    for condition in document["conditions"]:
        if condition["code"] == FIRST:
            condition["urgency"] = "urgent"
            condition["name"] = NEW_NAME
    return document


def publish(number: int, document: dict[str, Any]) -> None:
    KnowledgeBaseVersion.objects.create(number=number, document=document, note=f"v{number}")


def answer_steps(client: Client) -> None:
    """Answer the interview's pages from the first, up to "Check your answers"."""
    walk = Walk(age=AGE, sex=SEX, weeks=int(WEEKS), yes=frozenset(YES))
    answer_pages(client, walk, "/check/questions_1/", until="/check/check_answers/")


def finish(post_step, client: Client):
    response = post_step("check_answers", {}, follow=True)
    assert response.redirect_chain[-1][0] == "/result/"
    return response


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    main = response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def pdf_text(response) -> str:
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def kept_and_versions(kept: CompletedAssessment):
    """The kept assessment's level under each version, to make sure version 2 changes it."""
    levels = {}
    for number in (1, 2):
        knowledge_base = published_knowledge_base_version(number)
        answers = answers_from_mapping(engine_mapping(kept.answers), knowledge_base=knowledge_base)
        levels[number] = assess(knowledge_base, answers).triage
    return levels


def test_a_version_published_after_the_answers_changes_nothing_the_person_is_shown(
    post_step, client, published, seeded_document
):
    post_step("about_you", about_you(age=AGE, sex=SEX, weeks=WEEKS))
    answer_steps(client)
    finish(post_step, client)
    kept = CompletedAssessment.objects.get()
    assert kept.knowledge_base_version == 1
    assert kept.result["triage"] == "routine"
    assert kept.result["conditions"][0]["code"] == FIRST

    publish(2, version_two(seeded_document))
    levels = kept_and_versions(kept)
    assert levels[1] != levels[2]  # version 2 would decide otherwise

    routine = str(wording.URGENCY_CARDS[levels[1]].heading)
    result = text_of(client.get("/result/"))
    summary = text_of(client.get("/result/summary/"))
    pdf = pdf_text(client.get("/result/summary.pdf"))
    for shown in (result, summary, pdf):
        assert routine in shown
        assert "Greater trochanteric pain syndrome" in shown or "bursitis" in shown.lower()
        assert NEW_NAME not in shown
        assert "Get medical help today" not in shown
    assert "Knowledge base version 1." in result
    assert "knowledge base version 1" in summary
    assert "knowledge base version 1" in pdf
    # Explained with version 1: the outer-hip pain is still its reason.
    assert "The pain is on the outer side of your hip" in result


def test_a_questionnaire_started_under_one_version_finishes_under_it(
    post_step, client, published, seeded_document
):
    post_step("about_you", about_you(age=AGE, sex=SEX, weeks=WEEKS))
    publish(2, version_two(seeded_document))  # while the person answers
    answer_steps(client)
    finish(post_step, client)

    kept = CompletedAssessment.objects.get()
    assert kept.knowledge_base_version == 1
    levels = kept_and_versions(kept)
    assert levels[1] != levels[2]
    assert kept.result["triage"] == str(levels[1])
    result = text_of(client.get("/result/"))
    assert "Knowledge base version 1." in result
    assert NEW_NAME not in result

    # Whoever starts now is asked and assessed under version 2.
    other = Client()
    other.post(
        "/check/about_you/",
        {
            "questionnaire_wizard-current_step": "about_you",
            **{f"about_you-{k}": v for k, v in about_you(AGE, SEX, WEEKS).items()},
        },
    )
    assert other.session["wizard_questionnaire_wizard"]["extra_data"][wizard.VERSION_KEY] == 2


def test_a_version_that_can_no_longer_be_loaded_falls_back_to_the_latest_with_a_note(
    post_step, client, published, seeded_document, monkeypatch
):
    post_step("about_you", about_you(age=AGE, sex=SEX, weeks=WEEKS))
    publish(2, version_two(seeded_document))

    def version_one_unreadable(number: int):
        if number == 1:
            raise NoPublishedKnowledgeBase("version 1 cannot be read")
        return published_knowledge_base_version(number)

    monkeypatch.setattr(wizard, "published_knowledge_base_version", version_one_unreadable)
    answer_steps(client)
    finish(post_step, client)

    kept = CompletedAssessment.objects.get()
    assert kept.knowledge_base_version == 2
    result = text_of(client.get("/result/"))
    assert "Knowledge base version 2." in result
    assert str(wording.WIZARD_VERSION_REPLACED) in result


def test_the_session_key_is_rotated_when_the_result_is_stored(post_step, client, published):
    post_step("about_you", about_you(age=AGE, sex=SEX, weeks=WEEKS))
    answer_steps(client)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    finish(post_step, client)

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert not store().exists(before)
    # A cookie planted or shared before the end (a kiosk, a family tablet) reads no result.
    planted = Client()
    planted.cookies[settings.SESSION_COOKIE_NAME] = before
    response = planted.get("/result/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/result/").status_code == 200


def test_a_kept_result_whose_version_can_no_longer_be_loaded_is_explained_by_the_latest(
    client, published, seeded_document, monkeypatch
):
    from questionnaire import presentation
    from tests.questionnaire.kept import keep_result

    keep_result(client, {"age": AGE, "sex": "female", "duration_weeks": 20, "findings": {}})
    publish(2, version_two(seeded_document))

    def unreadable(number: int):
        raise NoPublishedKnowledgeBase(f"version {number} cannot be read")

    monkeypatch.setattr(presentation, "published_knowledge_base_version", unreadable)
    result = text_of(client.get("/result/"))

    # Still the kept level and version, with a note saying what explains it.
    assert "Book an appointment with your doctor" in result
    assert "Knowledge base version 1." in result
    assert "Your result was worked out with version 1 of our knowledge base" in result
    assert "its explanation uses version 2" in result
