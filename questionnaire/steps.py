"""The questionnaire's questions: how each finding is worded for this person, and the headings.

The questions come from the published knowledge base, so a curator who adds or rewords a finding
changes the questionnaire without a code change. Which of them are asked, and on which page, is
the adaptive interview's choice (``questionnaire.interview_pages``). Children's questions are
read by a parent: a finding's ``question_for_child`` / ``help_text_for_child``, when the curators
have written one, replaces the adult wording below ``ADULT_FROM_AGE``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from conditions.choices import AnswerType, QuestionnaireSection
from conditions.engine import KnowledgeBase
from conditions.engine.knowledge import Finding
from conditions.engine.people import ADULT_FROM_AGE

ABOUT_YOU = "about_you"


# Section → heading, in the order of the questionnaire (conditions.choices.QuestionnaireSection).
SECTION_TITLES: dict[str, str] = {
    section.value: str(section.label) for section in QuestionnaireSection
}
# The headings of the answers in "Check your answers" and the doctor's summary.
STEP_TITLES: dict[str, str] = {ABOUT_YOU: _("About you"), **SECTION_TITLES}


@dataclass(frozen=True, slots=True)
class Question:
    """One yes / no / not sure question, as the published knowledge base words it for this
    person (a parent's wording for a child when there is one)."""

    code: str
    text: str
    help_text: str
    section: str
    order: int
    min_age: int | None
    max_age: int | None
    # A warning sign people know from their own experience is asked as yes / no only.
    allows_not_sure: bool = True
    # Asked when that question is answered "not sure", else ignored.
    follow_up_for: str | None = None


def is_child(age: int | None) -> bool:
    return age is not None and age < ADULT_FROM_AGE


def wording_for(finding: Finding, age: int | None) -> tuple[str, str]:
    """The question and its hint for a person of this age: a parent's wording for a child when
    the curators wrote one (each part on its own), else the adult wording."""
    if is_child(age):
        question = finding.question_for_child or finding.question
        help_text = finding.help_text_for_child or finding.help_text
        return question, help_text
    return finding.question, finding.help_text


# The questions of the knowledge-base snapshot they were built from, for adults and children; a
# new snapshot object (a new published version) rebuilds them.
_questions_of_snapshot: dict[bool, tuple[object, dict[str, Question]]] = {}


def questions_of(knowledge_base: KnowledgeBase, age: int | None = None) -> dict[str, Question]:
    """The yes / no questions of one snapshot by code, worded for this age (built once per
    snapshot and wording)."""
    child = is_child(age)
    cached = _questions_of_snapshot.get(child)
    if cached is not None and cached[0] is knowledge_base:
        return cached[1]
    questions: dict[str, Question] = {}
    for finding in knowledge_base.findings.values():
        if finding.answer_type != AnswerType.YES_NO:
            continue
        text, help_text = wording_for(finding, age)
        questions[finding.code] = Question(
            code=finding.code,
            text=text,
            help_text=help_text,
            section=finding.section,
            order=finding.order,
            min_age=finding.min_age,
            max_age=finding.max_age,
            allows_not_sure=finding.allows_not_sure,
            follow_up_for=finding.follow_up_for,
        )
    _questions_of_snapshot[child] = (knowledge_base, questions)
    return questions
