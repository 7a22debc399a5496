"""Turning the questionnaire's stored steps into the engine's answers, and back into a summary."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from questionnaire.forms import NO, YES, YES_NO_NOT_SURE
from questionnaire.steps import (
    ABOUT_YOU,
    BODY_MAP_STEP,
    STEP_TITLES,
    Question,
    questions_for_step,
)


def answers_mapping(
    cleaned_by_step: Mapping[str, Mapping[str, Any]], questions: tuple[Question, ...]
) -> dict[str, Any]:
    """The answers in the vignette / API shape: age, sex, duration_weeks and findings.

    Findings answered "not sure", and places not asked, are left out: unknown is never absent.
    """
    about = cleaned_by_step.get(ABOUT_YOU) or {}
    findings: dict[str, bool] = {}
    for step, cleaned in cleaned_by_step.items():
        if step == ABOUT_YOU or cleaned is None:
            continue
        if step == BODY_MAP_STEP:
            ticked = set(cleaned.get("locations") or [])
            asked = questions_for_step(questions, BODY_MAP_STEP, about.get("age"))
            codes = [question.code for question in asked]
            if ticked:
                findings.update({code: code in ticked for code in codes})
            continue
        findings.update(
            {code: answer == YES for code, answer in cleaned.items() if answer in (YES, NO)}
        )
    return {
        "age": about.get("age"),
        "sex": about.get("sex"),
        "duration_weeks": None if about.get("duration_unknown") else about.get("duration_weeks"),
        "findings": findings,
    }


@dataclass(frozen=True, slots=True)
class AnswerLine:
    """One row of "Check your answers" and of the doctor's summary."""

    step: str
    question: str
    answer: str
    is_warning_sign: bool = False


def answer_lines(
    cleaned_by_step: Mapping[str, Mapping[str, Any]],
    questions: tuple[Question, ...],
    warning_codes: frozenset[str] = frozenset(),
) -> list[AnswerLine]:
    """Every question asked and its answer, "Not sure" included, step by step."""
    text_of = {question.code: question.text for question in questions}
    lines: list[AnswerLine] = []
    about = cleaned_by_step.get(ABOUT_YOU)
    if about:
        lines.append(AnswerLine(ABOUT_YOU, str(_("Age")), str(about.get("age"))))
        lines.append(AnswerLine(ABOUT_YOU, str(_("Sex")), str(about.get("sex", "")).capitalize()))
        duration = (
            str(_("Not sure"))
            if about.get("duration_unknown")
            else str(_("%(weeks)s weeks") % {"weeks": about.get("duration_weeks")})
        )
        lines.append(AnswerLine(ABOUT_YOU, str(_("How long the pain has lasted")), duration))
    labels = {answer: str(label) for answer, label in YES_NO_NOT_SURE}
    for step in STEP_TITLES:
        cleaned = cleaned_by_step.get(step)
        if step == ABOUT_YOU or not cleaned:
            continue
        if step == BODY_MAP_STEP:
            ticked = [text_of.get(code, code) for code in cleaned.get("locations") or []]
            answer = ", ".join(ticked) if ticked else str(_("Not sure / somewhere else"))
            lines.append(AnswerLine(step, str(_("Where it hurts")), answer))
            continue
        for code, answer in cleaned.items():
            if not answer:
                continue  # a follow-up that was not asked
            lines.append(
                AnswerLine(
                    step,
                    text_of.get(code, code),
                    labels.get(answer, str(answer)),
                    is_warning_sign=answer == YES and code in warning_codes,
                )
            )
    return lines


@dataclass(frozen=True, slots=True)
class AnswerGroup:
    """The answers of one step of the questionnaire, under its heading."""

    step: str
    title: str
    lines: tuple[Any, ...]


def answer_groups_by_step(lines: Iterable[AnswerLine | Mapping[str, Any]]) -> list[AnswerGroup]:
    """``lines`` grouped by their step, in the questionnaire's order (steps without lines left
    out). A line is an ``AnswerLine`` or, as the session keeps it, a mapping of its fields; a
    line of a step this version of the app does not know goes last, under "Other answers"."""
    by_step: dict[str, list[Any]] = {}
    for line in lines:
        step = line.get("step") if isinstance(line, Mapping) else line.step
        by_step.setdefault(str(step or ""), []).append(line)
    groups = [
        AnswerGroup(step, str(title), tuple(by_step.pop(step)))
        for step, title in STEP_TITLES.items()
        if step in by_step
    ]
    if by_step:
        others = tuple(line for step_lines in by_step.values() for line in step_lines)
        groups.append(AnswerGroup("", str(_("Other answers")), others))
    return groups
