"""The questionnaire's steps: which findings each one asks, in which order, for whom.

The steps follow the finding sections of the published knowledge base, so a curator who adds or
rewords a finding changes the questionnaire without a code change. Warning signs come straight
after "About you" so that an emergency is recognised before any other question.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from conditions.choices import AnswerType
from conditions.engine import KnowledgeBase, Triage

ABOUT_YOU = "about_you"

# Step name → heading. The order is the order of the questionnaire.
FINDING_STEPS: dict[str, str] = {
    "warning_signs": _("Warning signs"),
    "where_it_hurts": _("Where it hurts"),
    "the_pain": _("Your pain"),
    "stiffness_and_nights": _("Stiffness and nights"),
    "other_joints": _("Other joints"),
    "skin_eyes_bowels": _("Skin, nails, eyes and bowels"),
    "general_health": _("Your general health"),
}
STEP_TITLES: dict[str, str] = {ABOUT_YOU: _("About you"), **FINDING_STEPS}
BODY_MAP_STEP = "where_it_hurts"


@dataclass(frozen=True, slots=True)
class Question:
    """One yes / no / not sure question, as the published knowledge base words it."""

    code: str
    text: str
    help_text: str
    section: str
    order: int
    min_age: int | None
    max_age: int | None
    # A warning sign people know from their own experience is asked as yes / no only.
    allows_not_sure: bool = True
    # Asked when that question is answered "not sure" (shown under it), else ignored.
    follow_up_for: str | None = None

    def applies_to(self, age: int | None) -> bool:
        """Whether the question is asked at this age (all questions when the age is unknown)."""
        if age is None:
            return True
        if self.min_age is not None and age < self.min_age:
            return False
        return not (self.max_age is not None and age > self.max_age)


def questions_for_step(
    questions: tuple[Question, ...], step: str, age: int | None
) -> list[Question]:
    """The questions of one step that apply at this age, in the curators' order."""
    return [
        question for question in _by_section(questions).get(step, ()) if question.applies_to(age)
    ]


def _by_section(questions: tuple[Question, ...]) -> dict[str, tuple[Question, ...]]:
    # Asked several times per request (formtools evaluates every step's condition): group once
    # per snapshot's question tuple.
    if _sections_of_questions and _sections_of_questions[0][0] is questions:
        return _sections_of_questions[0][1]
    sections: dict[str, list[Question]] = {}
    for question in sorted(questions, key=lambda question: (question.order, question.code)):
        sections.setdefault(question.section, []).append(question)
    grouped = {section: tuple(asked) for section, asked in sections.items()}
    _sections_of_questions[:] = [(questions, grouped)]
    return grouped


_sections_of_questions: list[tuple[tuple[Question, ...], dict[str, tuple[Question, ...]]]] = []


# The questions of the knowledge-base snapshot they were built from; a new snapshot object
# (a new published version) rebuilds them.
_questions_of_snapshot: list[tuple[object, tuple[Question, ...]]] = []


def questions_of(knowledge_base: KnowledgeBase) -> tuple[Question, ...]:
    """The yes / no questions of one knowledge-base snapshot (built once per snapshot)."""
    if _questions_of_snapshot and _questions_of_snapshot[0][0] is knowledge_base:
        return _questions_of_snapshot[0][1]
    questions = tuple(
        Question(
            code=finding.code,
            text=finding.question,
            help_text=finding.help_text,
            section=finding.section,
            order=finding.order,
            min_age=finding.min_age,
            max_age=finding.max_age,
            allows_not_sure=finding.allows_not_sure,
            follow_up_for=finding.follow_up_for,
        )
        for finding in knowledge_base.findings.values()
        if finding.answer_type == AnswerType.YES_NO
    )
    _questions_of_snapshot[:] = [(knowledge_base, questions)]
    return questions


def emergency_steps(knowledge_base: KnowledgeBase) -> frozenset[str]:
    """The steps whose answers can fire an emergency red-flag rule (and About you: the age).

    The interrupt only needs checking after these steps; which steps they are follows from the
    published rules, not from code.
    """
    codes = {
        code
        for rule in knowledge_base.red_flag_rules
        if rule.urgency is Triage.EMERGENCY
        for code in rule.warning_findings
    }
    sections = {knowledge_base.findings[code].section for code in codes}
    return frozenset({ABOUT_YOU, *sections})
