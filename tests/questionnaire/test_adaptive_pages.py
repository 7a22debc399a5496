"""The adaptive pages (issue 16): each page asks what the interview chooses for the answers so
far, warning signs first; an emergency stops at once; a child's questions fit a child; a
changed answer re-asks the later pages whose questions changed; the side and the duration as
given reach the doctor's summary."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from types import SimpleNamespace

import pytest
from django.test import Client
from pypdf import PdfReader

from conditions.engine import Answers
from conditions.published import published_knowledge_base
from questionnaire.interview_pages import MAX_PAGES, interview_plan
from questionnaire.models import CompletedAssessment
from questionnaire.steps import questions_of, wording_for
from tests.production.helpers import (
    Walk,
    page_codes,
    post_step,
    walk_to_check_answers,
    walk_to_result,
)

pytestmark = pytest.mark.django_db

ADULT = Walk(age=42, sex="female", weeks=6)
CHILD = Walk(age=6, sex="male", weeks=0, yes=frozenset({"limp"}))
EMERGENCY = Walk(
    age=80, sex="female", weeks=0, yes=frozenset({"recent_trauma", "unable_to_bear_weight"})
)


def fresh(walk: Walk) -> Walk:
    return replace(walk, posted={}, findings={}, pages=[])


def test_the_plan_is_the_same_for_the_same_answers(published):
    first, second = ADULT.plan(), fresh(ADULT).plan()
    assert first == second
    assert first.finished
    assert not first.emergency
    # Every page asks at most the policy's page size, and no finding twice.
    codes = [code for page in first.pages for code in page.codes]
    assert len(codes) == len(set(codes))
    assert all(1 <= len(page.codes) <= 4 for page in first.pages)
    assert len(first.pages) < MAX_PAGES


def test_nothing_is_planned_before_about_you(published):
    plan = interview_plan(published_knowledge_base(), None, lambda page: None)
    assert plan.pages == ()
    assert not plan.finished


def test_warning_signs_come_first_on_one_page_of_their_own(published):
    first = ADULT.plan().pages[0]
    assert first.warning_signs
    assert first.section == "warning_signs"
    assert {"fever", "recent_trauma"} <= set(first.codes)


def test_an_emergency_answer_stops_at_once(client, published):
    walk = fresh(EMERGENCY)
    # Can she put weight on the leg (what both emergencies open at 80 need), then did she fall:
    # no check answers, no more pages.
    assert walk.steps() == ["about_you", "questions_1", "questions_2"]
    walk_to_result(client, walk)

    kept = CompletedAssessment.objects.get()
    assert kept.interrupted
    assert kept.result["triage"] == "emergency"
    assert len(walk.pages) == 2


def test_a_child_is_asked_only_questions_for_its_age_in_a_parents_words(published):
    knowledge_base = published_knowledge_base()
    plan = CHILD.plan()
    for page in plan.pages:
        for code in page.codes:
            finding = knowledge_base.findings[code]
            assert finding.min_age is None or finding.min_age <= CHILD.age, code
            assert finding.max_age is None or CHILD.age <= finding.max_age, code
    for code, question in questions_of(knowledge_base, CHILD.age).items():
        finding = knowledge_base.findings[code]
        expected = getattr(finding, "question_for_child", "") or finding.question
        assert question.text == expected


def test_the_wording_for_a_child_is_the_parents_when_written_else_the_adults():
    finding = SimpleNamespace(
        question="Do you have a rash?",
        help_text="On your skin.",
        question_for_child="Does your child have a rash?",
        help_text_for_child="",
    )
    assert wording_for(finding, 6) == ("Does your child have a rash?", "On your skin.")
    assert wording_for(finding, 15) == ("Does your child have a rash?", "On your skin.")
    assert wording_for(finding, 16) == ("Do you have a rash?", "On your skin.")
    assert wording_for(finding, None) == ("Do you have a rash?", "On your skin.")
    # A knowledge base published before the child fields existed reads them as empty.
    adult_only = SimpleNamespace(
        question="Q?", help_text="H.", question_for_child="", help_text_for_child=""
    )
    assert wording_for(adult_only, 6) == ("Q?", "H.")


@pytest.mark.parametrize(
    "walk",
    [
        pytest.param(ADULT, id="adult-42"),
        pytest.param(CHILD, id="child-6-limp"),
        pytest.param(EMERGENCY, id="emergency-80"),
    ],
)
def test_pages_and_questions_asked_for_three_walks(client, published, walk):
    walk = fresh(walk)
    plan = walk.plan()
    walk_to_result(client, walk)

    # The pages met are the pages planned, and the count is honest: age, sex, duration, side
    # and every finding asked (the interview's own count plus the side).
    assert [step for step, _codes in walk.pages] == [page.step for page in plan.pages]
    assert walk.questions_asked == plan.questions_asked
    assert walk.questions_asked <= 23  # the scoring policy's maximum, About you's four included
    print(f"\n{walk.age}: {1 + len(walk.pages)} question pages, {walk.questions_asked} questions")


def test_a_changed_answer_re_asks_the_later_pages_whose_questions_changed(client, published):
    walk = fresh(ADULT)
    walk_to_check_answers(client, walk)
    second = dict(walk.pages)["questions_2"]

    # Back on page 1, a "not sure" to the temperature: its follow-up is now page 2.
    page_1 = dict.fromkeys(dict(walk.pages)["questions_1"], "no") | {"fever": "not_sure"}
    response = post_step(client, "questions_1", page_1)
    assert response["Location"] == "/check/questions_2/"
    page = client.get("/check/questions_2/").content.decode()
    assert page_codes(page, "questions_2") == ["feels_hot_or_shivery"]
    assert tuple(page_codes(page, "questions_2")) != second
    # Asked afresh: nothing chosen, no error shown for answers given to other questions.
    assert "There is a problem" not in page
    assert " checked" not in page.split('id="step-form"')[1]
    # Check your answers is not reachable until the new page is answered.
    response = client.get("/check/check_answers/")
    assert response.status_code == 302
    assert response["Location"] == "/check/questions_2/"


def test_the_side_and_the_duration_as_given_reach_the_doctor(client, published):
    walk = fresh(replace(ADULT, side="right", duration=("4", "months")))
    walk_to_result(client, walk)

    kept = CompletedAssessment.objects.get()
    assert kept.answers["side"] == "right"
    assert kept.answers["duration"] == {"value": 4, "unit": "months"}
    assert kept.answers["duration_weeks"] == 17
    summary = re.sub(r"\s+", " ", client.get("/result/summary/").content.decode())
    assert re.search(r"Which side hurts</dt> ?<dd>Right", summary)
    assert re.search(r"How long the pain has lasted</dt> ?<dd>4 months", summary)
    pdf = client.get("/result/summary.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    text = " ".join(text.split())
    assert "Which side hurts Right" in text
    assert "How long the pain has lasted 4 months" in text


def test_the_questions_page_shows_no_promised_total(client, published):
    walk = fresh(ADULT)
    client.get("/check/", follow=True)
    post_step(client, "about_you", walk.answers_for("about_you"))
    page = client.get("/check/questions_1/").content.decode()
    assert "Question page 2" in page
    assert not re.search(r"Step \d+ of \d+", page)
    assert "<h1>Warning signs</h1>" in page


def test_a_page_no_answers_lead_to_sends_to_the_page_to_answer(client, published):
    client.get("/check/", follow=True)
    post_step(client, "about_you", fresh(ADULT).answers_for("about_you"))
    response = client.get("/check/questions_5/")
    assert response.status_code == 302
    assert response["Location"] == "/check/questions_1/"


def test_the_opening_answers_the_plan_starts_from_are_the_walks(published):
    plan = interview_plan(
        published_knowledge_base(),
        Answers(age=42, sex="female", duration_weeks=6),
        lambda page: None,
    )
    assert plan.pages == ADULT.plan().pages[:1]
    assert plan.answered == 0


def test_a_parent_reads_the_curators_wording_for_a_child_and_an_adult_the_adults(
    db, seeded_document
):
    from conditions.models import KnowledgeBaseVersion

    for_child = "Has your child had a temperature of 38 °C or more in the last few days?"
    findings = [
        {**finding, "question_for_child": for_child} if finding["code"] == "fever" else finding
        for finding in seeded_document["findings"]
    ]
    KnowledgeBaseVersion.objects.create(
        number=1, document={**seeded_document, "findings": findings}, note="child wording"
    )
    pages = {}
    for age in (6, 42):
        client = Client()
        client.get("/check/", follow=True)
        post_step(client, "about_you", fresh(replace(ADULT, age=age)).answers_for("about_you"))
        pages[age] = client.get("/check/questions_1/").content.decode()

    assert for_child in pages[6]
    assert for_child not in pages[42]
    assert "Have you had a temperature" in pages[42]


def test_a_page_of_one_question_has_the_question_as_its_heading(client, published):
    """shared/ux.md: a one-question step puts the question in the legend as the h1; a page of
    several keeps the topic as its heading."""
    walk = fresh(ADULT)
    client.get("/check/", follow=True)
    post_step(client, "about_you", walk.answers_for("about_you"))
    plan = walk.plan()
    single = next(page for page in plan.pages if len(page.codes) == 1)
    for page in plan.pages[: single.number - 1]:
        post_step(client, page.step, walk.answers_for(page.step))
    html = client.get(f"/check/{single.step}/").content.decode()
    question = questions_of(published_knowledge_base(), ADULT.age)[single.codes[0]]
    assert f'<legend class="question"><h1 class="question-heading">{question.text}</h1>' in html
    assert html.count("<h1") == 1
    assert f"<title>{question.text}" in html
    several = next(page for page in plan.pages if len(page.codes) > 1)
    assert several.number < single.number  # the warning signs come first, together
