"""The clinical-vignette format (vignettes/README.md): reading a file and checking one case.

Pure (no Django): the model's ``clean()``, the admin's JSON import and the seed command all check
cases here, so all three say the same thing in the same words. Problems are keyed by the case's
field as the file names it (``id``, ``answers``, ``expected_top``…) and written for the curator
who typed the case.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from conditions.engine import AnswersError, KnowledgeBase, Triage, answers_from_mapping
from conditions.engine.answers import FINDING_MESSAGE, UNKNOWN_FINDING_MESSAGE
from conditions.engine.knowledge import OTHER_CAUSES_CODE

# The fields of vignettes/README.md, in the order the project's files write them; ``note`` is
# the bench's own (why a curator keeps the case) and may be left out.
CASE_FIELDS = (
    "id",
    "source",
    "narrative",
    "answers",
    "expected_top",
    "acceptable",
    "expected_triage",
    "note",
)
REQUIRED_FIELDS = ("id", "narrative", "answers", "expected_top", "expected_triage")
ID_MAX_LENGTH = 40
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
ID_MESSAGE = (
    f"The case id may use letters, digits, hyphens, dots and underscores (at most "
    f"{ID_MAX_LENGTH} characters), e.g. dev-42."
)
LEVELS = ", ".join(level.value for level in Triage)
# How a problem names the field, for a curator reading the file's keys.
FIELD_LABELS = {
    "expected_top": "expected first condition (expected_top)",
    "acceptable": "also acceptable (acceptable)",
    "expected_triage": "expected urgency (expected_triage)",
}
ANSWER_LABELS = {
    "age": "Age",
    "sex": "Sex",
    "duration_weeks": "How long the pain has lasted (duration_weeks)",
}

Problems = dict[str, list[str]]


class VignetteFileError(ValueError):
    """The file cannot be read as a list of cases; the message says why in plain words."""


def read_cases(content: bytes | str) -> list[dict[str, Any]]:
    """The cases of a vignette file: a JSON list of objects (vignettes/README.md)."""
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    except UnicodeDecodeError:
        raise VignetteFileError("The file is not text (UTF-8): is it the right file?") from None
    try:
        cases = json.loads(text)
    except json.JSONDecodeError as error:
        raise VignetteFileError(
            f"The file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    if not isinstance(cases, list):
        raise VignetteFileError(
            "The file must hold a list of cases, [ {…}, {…} ], as vignettes/development.json does."
        )
    for position, case in enumerate(cases, start=1):
        if not isinstance(case, dict):
            raise VignetteFileError(
                f"Case number {position} in the file is not an object {{…}} with an id, "
                "answers and the expected condition and urgency."
            )
    return cases


def case_problems(case: Mapping[str, Any], knowledge_base: KnowledgeBase | None) -> Problems:
    """What is wrong with one case, field by field (empty when nothing is).

    With a ``knowledge_base`` (the latest published one), finding and condition codes it does
    not hold are problems; without one only the shape is checked.
    """
    problems: Problems = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    for field in case:
        if field not in CASE_FIELDS:
            add(
                str(field),
                f"“{field}” is not a field of a case; a case has {', '.join(CASE_FIELDS)}.",
            )
    for field in REQUIRED_FIELDS:
        if case.get(field) in (None, "", {}):
            add(field, _MISSING[field])

    case_id = case.get("id")
    if case_id not in (None, "") and (
        not isinstance(case_id, str)
        or len(case_id) > ID_MAX_LENGTH
        or not re.match(ID_PATTERN, case_id)
    ):
        add("id", ID_MESSAGE)
    for field in ("source", "narrative", "note"):
        if case.get(field) is not None and not isinstance(case.get(field), str):
            add(field, f"The {field} must be text.")
    if case.get("answers") not in (None, {}):
        for message in answers_problems(case["answers"], knowledge_base):
            add("answers", message)
    expected_top = case.get("expected_top")
    if expected_top not in (None, ""):
        for message in expected_top_problems(expected_top, knowledge_base):
            add("expected_top", message)
    if case.get("acceptable") is not None:
        for message in acceptable_problems(case["acceptable"], knowledge_base):
            add("acceptable", message)
    level = case.get("expected_triage")
    if level not in (None, "") and level not in tuple(Triage):
        add("expected_triage", f"“{level}” is not an urgency level; use one of {LEVELS}.")
    return problems


_MISSING = {
    "id": "Give the case an id, e.g. dev-42.",
    "narrative": "Write the case as the person or a relative would tell it.",
    "answers": (
        'Give the answers: {"age": 47, "sex": "female", "duration_weeks": 14, '
        '"findings": {"fever": false}}.'
    ),
    "expected_top": "Name the condition that should rank first (its code, e.g. septic_arthritis).",
    "expected_triage": f"Give the urgency a careful clinician would expect: one of {LEVELS}.",
}


def answers_problems(answers: Any, knowledge_base: KnowledgeBase | None) -> list[str]:
    """The problems of the answers, one sentence each, naming the answer at fault."""
    try:
        answers_from_mapping(answers, knowledge_base=knowledge_base)
    except AnswersError as error:
        return [
            _answer_message(name, message, knowledge_base) for name, message in error.errors.items()
        ]
    return []


def _answer_message(name: str, message: str, knowledge_base: KnowledgeBase | None) -> str:
    if name == "answers":
        return "The answers must be an object with age, sex, duration_weeks and findings."
    if name == "findings":
        return (
            "The findings must be an object of finding codes answered true or false, "
            'e.g. {"fever": false}.'
        )
    if name in ANSWER_LABELS:
        return f"{ANSWER_LABELS[name]}: {message}."
    if name.startswith("findings."):
        code = name.removeprefix("findings.")
        if message == UNKNOWN_FINDING_MESSAGE:
            return f"Finding “{code}” is not {_in(knowledge_base)}."
        if message == FINDING_MESSAGE:
            return f"Finding “{code}”: answer true or false, or leave it out when not sure."
        return f"Finding “{code}”: {message}."
    return f"“{name}” is not one of the answers; use age, sex, duration_weeks and findings."


def expected_top_problems(code: Any, knowledge_base: KnowledgeBase | None) -> list[str]:
    """The problems of the expected first condition (a code the knowledge base ranks)."""
    return _condition_problems([code], knowledge_base)


def acceptable_problems(codes: Any, knowledge_base: KnowledgeBase | None) -> list[str]:
    """The problems of the list of other conditions acceptable in the top three."""
    if not isinstance(codes, list):
        return [
            "Give the other acceptable conditions as a list of codes, e.g. "
            '["psoriatic_arthritis"], or [] for none.'
        ]
    return _condition_problems(codes, knowledge_base)


def _condition_problems(codes: Sequence[Any], knowledge_base: KnowledgeBase | None) -> list[str]:
    problems = []
    for code in codes:
        if not isinstance(code, str) or not code:
            problems.append(f"{code!r} is not a condition code.")
        elif code == OTHER_CAUSES_CODE:
            problems.append(
                f"“{OTHER_CAUSES_CODE}” is shown apart and never ranked: name a condition."
            )
        elif knowledge_base is not None and not knowledge_base.has_condition(code):
            problems.append(f"Condition “{code}” is not {_in(knowledge_base)}.")
    return problems


def _in(knowledge_base: KnowledgeBase | None) -> str:
    if knowledge_base is None:
        return "a known code"
    return f"in the published knowledge base (version {knowledge_base.version})"


def field_label(field: str) -> str:
    """The field as a problem names it: its key, with plain words where the key is terse."""
    return FIELD_LABELS.get(field, field)


def duplicate_ids(cases: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Ids given to more than one case, with how many cases carry each."""
    counts = Counter(case.get("id") for case in cases if isinstance(case.get("id"), str))
    return {case_id: count for case_id, count in counts.items() if count > 1}
