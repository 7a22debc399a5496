"""What the person answered: age, sex, how long the pain has lasted and the yes/no findings."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .people import Sex

if TYPE_CHECKING:
    from .knowledge import KnowledgeBase

# Form bounds, not clinical figures: the knowledge base's age bands cover 0–120 years.
MIN_AGE = 0
MAX_AGE = 120
# A duration longer than the oldest possible life is a typing error.
MAX_DURATION_WEEKS = MAX_AGE * 53

AGE_MESSAGE = f"Enter an age between {MIN_AGE} and {MAX_AGE}"
SEX_MESSAGE = "Choose female or male"
UNKNOWN_FINDING_MESSAGE = "Unknown finding"
FINDING_MESSAGE = "Answer yes or no, or leave it out when not sure"
DURATION_MESSAGE = f"Enter how many weeks, between 0 and {MAX_DURATION_WEEKS}, or leave it empty"

_FIELDS = ("age", "sex", "duration_weeks", "findings")


class AnswersError(ValueError):
    """The answers cannot be assessed; ``errors`` maps each field to a message for the person.

    Finding fields are named ``findings.<code>``.
    """

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.errors.items()))


@dataclass(frozen=True, slots=True)
class Answers:
    """One person's answers. A finding code missing from ``findings`` is unknown, never "no"."""

    age: int
    sex: Sex
    duration_weeks: float | None
    findings: Mapping[str, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        errors = {
            name: message
            for name, message in (
                ("age", _age_error(self.age)),
                ("duration_weeks", _duration_error(self.duration_weeks)),
            )
            if message
        }
        if self.sex not in tuple(Sex):
            errors["sex"] = SEX_MESSAGE
        elif not isinstance(self.sex, Sex):
            object.__setattr__(self, "sex", Sex(self.sex))
        for code, present in self.findings.items():
            if not isinstance(code, str):
                errors[f"findings.{code}"] = UNKNOWN_FINDING_MESSAGE
            elif not isinstance(present, bool):
                errors[f"findings.{code}"] = FINDING_MESSAGE
        if errors:
            raise AnswersError(errors)
        # A read-only copy (the caller's dict may change, these answers may not), in code order
        # so that the same answers always add their log ratios in the same order: identical
        # answers give bit-identical scores, whatever order the form listed them in.
        object.__setattr__(self, "findings", MappingProxyType(dict(sorted(self.findings.items()))))

    def with_follow_ups(self, follow_ups: Mapping[str, str]) -> Answers:
        """These answers with each follow-up's answer counted as the finding it follows up.

        ``follow_ups`` maps a finding to its follow-up (fever → feels hot or shivery). The
        follow-up counts only when the finding itself is unknown ("not sure"); either way it is
        not scored on its own.
        """
        if not any(code in self.findings for code in follow_ups.values()):
            return self
        findings = dict(self.findings)
        for asked, follow_up in follow_ups.items():
            answer = findings.pop(follow_up, None)
            if answer is not None and asked not in findings:
                findings[asked] = answer
        return Answers(
            age=self.age, sex=self.sex, duration_weeks=self.duration_weeks, findings=findings
        )


def answers_from_mapping(
    mapping: Mapping[str, Any], *, knowledge_base: KnowledgeBase | None = None
) -> Answers:
    """Validate answers shaped like a vignette's ``"answers"`` and build ``Answers``.

    ``duration_weeks`` may be missing or null (unknown); a finding answered ``None`` ("not
    sure") is left out. With a ``knowledge_base``, finding codes it does not know are errors.
    Raises ``AnswersError`` listing every problem at once.
    """
    if not isinstance(mapping, Mapping):
        raise AnswersError({"answers": "Expected an object with age, sex and findings"})
    errors: dict[str, str] = {}
    for name in mapping:
        if name not in _FIELDS:
            errors[str(name)] = "Unknown field"

    age = mapping.get("age")
    sex = mapping.get("sex")
    duration = mapping.get("duration_weeks")
    for name, message in (
        ("age", _age_error(age)),
        ("sex", None if sex in tuple(Sex) else SEX_MESSAGE),
        ("duration_weeks", _duration_error(duration)),
    ):
        if message:
            errors[name] = message
    findings = _findings_from(mapping.get("findings", {}), knowledge_base, errors)
    if errors:
        raise AnswersError(errors)
    return Answers(age=age, sex=Sex(sex), duration_weeks=duration, findings=findings)


def _findings_from(
    raw: Any, knowledge_base: KnowledgeBase | None, errors: dict[str, str]
) -> dict[str, bool]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        errors["findings"] = "Expected an object of finding codes answered true or false"
        return {}
    findings: dict[str, bool] = {}
    for code, present in raw.items():
        name = f"findings.{code}"
        if not isinstance(code, str) or (
            knowledge_base is not None and not knowledge_base.has_finding(code)
        ):
            errors[name] = UNKNOWN_FINDING_MESSAGE
        elif present is None:
            continue  # "not sure": unknown, so it stays out
        elif not isinstance(present, bool):
            errors[name] = FINDING_MESSAGE
        else:
            findings[code] = present
    return findings


def _age_error(age: Any) -> str | None:
    if isinstance(age, bool) or not isinstance(age, int):
        return AGE_MESSAGE
    return None if MIN_AGE <= age <= MAX_AGE else AGE_MESSAGE


def _duration_error(duration_weeks: Any) -> str | None:
    if duration_weeks is None:
        return None
    if isinstance(duration_weeks, bool) or not isinstance(duration_weeks, int | float):
        return DURATION_MESSAGE
    if math.isfinite(duration_weeks) and 0 <= duration_weeks <= MAX_DURATION_WEEKS:
        return None
    return DURATION_MESSAGE
