"""Which questions each page of the questionnaire asks: the adaptive interview, page by page.

After "About you", page 1 asks what ``conditions.engine.interview.next_step`` chooses for those
answers, page 2 what it chooses for the answers of "About you" and page 1, and so on until it
says the answers are clear enough (then "Check your answers") or they fire an emergency rule
(then the emergency result at once). The whole plan follows from the answers stored so far, so
Back, "Change" and a changed answer need no state of their own: a page whose stored answers no
longer fit the questions now chosen for it is simply asked again.

Pure: the caller says which answers each page holds (``PageAnswers``); nothing here reads the
session or a form. Every request of a person at page k plans pages 1 … k again, so the caller
keeps the steps worked out so far (``kept``, the wizard's storage) and only new ones are worked out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass

from conditions.choices import QuestionnaireSection
from conditions.engine import Answers, KnowledgeBase, Triage
from conditions.engine.interview import InterviewPolicy, StopReason, next_step

PAGE_PREFIX = "questions_"
# Enough pages for the policy's maximum at one question a page (warning signs, which may go past
# the maximum, share pages of up to four). Should a plan reach the last page without stopping,
# "Check your answers" follows; the result names any warning sign left unanswered.
MAX_PAGES = 30
# About you asks everyone age, sex, which side hurts (counted, not scored) and how long.
ABOUT_YOU_QUESTIONS = 4

YES, NO = "yes", "no"


def page_step(number: int) -> str:
    return f"{PAGE_PREFIX}{number}"


PAGE_STEPS: tuple[str, ...] = tuple(page_step(number) for number in range(1, MAX_PAGES + 1))


@dataclass(frozen=True, slots=True)
class Page:
    """One page of questions: its wizard step, its number and the findings it asks."""

    step: str
    number: int
    codes: tuple[str, ...]
    section: str
    warning_signs: bool


@dataclass(frozen=True, slots=True)
class Plan:
    """The pages for the answers so far.

    ``pages`` are the pages answered so far followed, unless ``finished``, by the one to answer
    next. ``finished``: the interview may stop after the answered pages ("Check your answers"
    next). ``emergency``: the answers so far fire an emergency red-flag rule (stop at once).
    ``questions_asked`` counts age, sex, duration, side and every finding on the answered pages.
    """

    pages: tuple[Page, ...]
    answered: int
    finished: bool
    emergency: bool
    reason: str
    questions_asked: int

    def page(self, step: str) -> Page | None:
        return next((page for page in self.pages if page.step == step), None)


# The answers a page holds, code → "yes" / "no" / "not_sure", or None when it holds none that
# fit its questions (not answered yet, or answered when it asked something else).
PageAnswers = Callable[[Page], Mapping[str, str] | None]

NOTHING_YET = Plan((), 0, False, False, str(StopReason.NOT_YET), 0)


def interview_plan(
    knowledge_base: KnowledgeBase,
    opening: Answers | None,
    answers_of: PageAnswers,
    policy: InterviewPolicy | None = None,
    kept: KeptSteps | None = None,
) -> Plan:
    """The pages for ``opening`` (age, sex and duration from "About you"; None when it is not
    answered yet) and the answers each page holds. Deterministic.

    ``kept`` holds one person's steps between requests (the wizard keeps it with their answers):
    a step found there is not worked out again, and afterwards it holds exactly the steps of this
    plan, so it never grows beyond one entry a page."""
    kept = {} if kept is None else kept
    used: set[str] = set()
    plan = _plan(knowledge_base, opening, answers_of, policy, kept, used)
    for stale in [key for key in kept if key not in used]:
        del kept[stale]
    return plan


def _plan(
    knowledge_base: KnowledgeBase,
    opening: Answers | None,
    answers_of: PageAnswers,
    policy: InterviewPolicy | None,
    kept: KeptSteps,
    used: set[str],
) -> Plan:
    if opening is None:
        return NOTHING_YET
    findings: dict[str, bool] = {}
    asked: set[str] = set()
    pages: list[Page] = []
    for number in range(1, MAX_PAGES + 1):
        step = _kept_step(knowledge_base, opening, findings, asked, policy, kept, used)
        # Counted here, whatever the engine counts as its opening questions.
        count = ABOUT_YOU_QUESTIONS + len(asked)
        if step.emergency or step.should_stop:
            return Plan(tuple(pages), len(pages), True, step.emergency, step.reason, count)
        # Warning signs are one topic, whichever sections their questions come from.
        section = (
            QuestionnaireSection.WARNING_SIGNS.value
            if step.warning_signs
            else knowledge_base.findings[step.questions[0]].section
        )
        page = Page(page_step(number), number, step.questions, section, step.warning_signs)
        pages.append(page)
        given = answers_of(page)
        if given is None:
            return Plan(tuple(pages), len(pages) - 1, False, False, step.reason, count)
        for code in page.codes:
            asked.add(code)
            if given.get(code) in (YES, NO):
                findings[code] = given[code] == YES
    step = _kept_step(knowledge_base, opening, findings, asked, policy, kept, used)
    count = ABOUT_YOU_QUESTIONS + len(asked)
    return Plan(tuple(pages), len(pages), True, step.emergency, step.reason, count)


# One person's steps between requests, JSON-serialisable: key → [questions, should_stop,
# reason, warning_signs, emergency].
KeptSteps = MutableMapping[str, list]


def _kept_step(
    knowledge_base: KnowledgeBase,
    opening: Answers,
    findings: Mapping[str, bool],
    asked: set[str],
    policy: InterviewPolicy | None,
    kept: KeptSteps,
    used: set[str],
) -> _Step:
    """The step for these answers: from ``kept`` (any server process, after a restart too),
    else worked out and added to it."""
    inputs = [
        knowledge_base.version,
        opening.age,
        str(opening.sex),
        opening.duration_weeks,
        sorted(findings.items()),
        sorted(asked),
        None if policy is None else repr(policy),
    ]
    key = hashlib.sha256(json.dumps(inputs).encode()).hexdigest()[:32]
    used.add(key)
    found = kept.get(key)
    if isinstance(found, list) and len(found) == 5:
        questions, should_stop, reason, warning_signs, emergency = found
        step = _Step(
            tuple(questions), bool(should_stop), str(reason), bool(warning_signs), bool(emergency)
        )
    else:
        step = _worked_out_step(knowledge_base, opening, findings, asked, policy)
        kept[key] = [
            list(step.questions),
            step.should_stop,
            step.reason,
            step.warning_signs,
            step.emergency,
        ]
    return step


@dataclass(frozen=True, slots=True)
class _Step:
    questions: tuple[str, ...]
    should_stop: bool
    reason: str
    warning_signs: bool
    emergency: bool


def _worked_out_step(
    knowledge_base: KnowledgeBase,
    opening: Answers,
    findings: Mapping[str, bool],
    asked: set[str],
    policy: InterviewPolicy | None,
) -> _Step:
    answers = Answers(
        age=opening.age,
        sex=opening.sex,
        duration_weeks=opening.duration_weeks,
        findings=dict(findings),
    )
    interview = next_step(knowledge_base, answers, asked, policy)
    assessment = interview.assessment
    return _Step(
        questions=interview.questions,
        should_stop=interview.should_stop,
        reason=str(interview.reason),
        warning_signs=interview.warning_signs,
        emergency=assessment.triage is Triage.EMERGENCY and bool(assessment.fired_red_flags),
    )
