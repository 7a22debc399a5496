"""Turning the questionnaire's stored steps into the engine's answers, and back into a summary."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from questionnaire.forms import NO, SIDES, YES, YES_NO_NOT_SURE, duration_as_given
from questionnaire.steps import ABOUT_YOU, STEP_TITLES, Question

# What the engine reads of the answers; the rest ("side", "duration" as given) is kept for the
# doctor and not scored.
ENGINE_FIELDS = ("age", "sex", "duration_weeks", "findings")


def answers_mapping(cleaned_by_step: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The answers in the vignette / API shape (age, sex, duration_weeks and findings), with the
    side and the duration as given ({"value": 4, "unit": "months"}) beside them.

    ``cleaned_by_step`` holds "About you" and each page's answers (code → yes / no / not sure).
    Findings answered "not sure" are left out: unknown is never absent.
    """
    about = cleaned_by_step.get(ABOUT_YOU) or {}
    findings: dict[str, bool] = {}
    for step, cleaned in cleaned_by_step.items():
        if step == ABOUT_YOU or cleaned is None:
            continue
        findings.update(
            {code: answer == YES for code, answer in cleaned.items() if answer in (YES, NO)}
        )
    unknown = about.get("duration_unknown") or about.get("duration") is None
    return {
        "age": about.get("age"),
        "sex": about.get("sex"),
        "duration_weeks": None if unknown else about.get("duration_weeks"),
        "findings": findings,
        "side": about.get("side"),
        "duration": None
        if unknown
        else {"value": about.get("duration"), "unit": about.get("duration_unit")},
    }


def engine_mapping(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The part of ``answers_mapping`` the engine reads (``answers_from_mapping``)."""
    return {name: answers[name] for name in ENGINE_FIELDS if name in answers}


@dataclass(frozen=True, slots=True)
class AnswerLine:
    """One row of "Check your answers" and of the doctor's summary.

    ``step`` is the part of the questionnaire it belongs to (About you or a finding's section:
    the summary's headings); ``page`` the wizard step that asked it (the "Change" link).
    """

    step: str
    question: str
    answer: str
    is_warning_sign: bool = False
    page: str = ""


def answer_lines(
    cleaned_by_step: Mapping[str, Mapping[str, Any]],
    questions: Mapping[str, Question],
    warning_codes: frozenset[str] = frozenset(),
) -> list[AnswerLine]:
    """Every question asked and its answer, "Not sure" included, page by page."""
    lines: list[AnswerLine] = []
    about = cleaned_by_step.get(ABOUT_YOU)
    if about:
        sides = {value: str(label) for value, label in SIDES}
        duration = (
            str(_("Not sure"))
            if about.get("duration_unknown") or about.get("duration") is None
            else duration_as_given(about["duration"], about.get("duration_unit") or "weeks")
        )
        for question, answer in (
            (_("Age"), str(about.get("age"))),
            (_("Sex"), str(about.get("sex", "")).capitalize()),
            (_("Which side hurts"), sides.get(about.get("side"), str(_("Not sure")))),
            (_("How long the pain has lasted"), duration),
        ):
            lines.append(AnswerLine(ABOUT_YOU, str(question), answer, page=ABOUT_YOU))
    labels = {answer: str(label) for answer, label in YES_NO_NOT_SURE}
    for step, cleaned in cleaned_by_step.items():
        if step == ABOUT_YOU or not cleaned:
            continue
        for code, answer in cleaned.items():
            if not answer:
                continue  # a follow-up that was not asked
            question = questions.get(code)
            lines.append(
                AnswerLine(
                    question.section if question else "",
                    question.text if question else code,
                    labels.get(answer, str(answer)),
                    is_warning_sign=answer == YES and code in warning_codes,
                    page=step,
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
