"""Reads of the clinical vignettes, shaped for their callers as plain data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bench import vignette_format
from bench.models import ClinicalVignette
from conditions.engine import KnowledgeBase
from conditions.evaluation import VignetteResult, evaluate
from conditions.published import NoPublishedKnowledgeBase, published_knowledge_base


def active_vignette_cases() -> list[dict[str, Any]]:
    """The active vignettes as cases in the file format (vignettes/README.md), by case id."""
    return vignette_cases(ClinicalVignette.objects.active())


def vignette_cases(vignettes: Iterable[ClinicalVignette]) -> list[dict[str, Any]]:
    """The given vignettes as cases in the file format, by case id: what an export writes."""
    return [vignette.as_case() for vignette in sorted(vignettes, key=lambda v: v.code)]


def published_result(vignette: ClinicalVignette) -> VignetteResult | None:
    """How the latest published knowledge base does on one case; None before the first publish."""
    knowledge_base = published_knowledge_base_or_none()
    if knowledge_base is None:
        return None
    return evaluate(knowledge_base, [vignette.as_case()]).results[0]


def published_knowledge_base_or_none() -> KnowledgeBase | None:
    """The engine snapshot of the latest published version, or None before the first publish."""
    try:
        return published_knowledge_base()
    except NoPublishedKnowledgeBase:
        return None


# --- Importing a file ---

# The fields an import writes, in the order a preview lists their changes; a field the file
# leaves out (the optional source, acceptable and note) is left as it is on an existing case.
IMPORTED_FIELDS = {
    "narrative": "narrative",
    "source": "source",
    "answers": "answers",
    "expected_top": "expected first condition",
    "acceptable": "also acceptable",
    "expected_triage": "expected urgency",
    "note": "note",
}
SHOWN_VALUES = ("expected_top", "expected_triage", "acceptable")  # short enough to show in full


@dataclass(frozen=True)
class PlannedCase:
    """What importing one case of the file would do."""

    position: int  # in the file, from 1
    code: str
    action: Literal["create", "update", "unchanged", "error"]
    changes: tuple[str, ...]  # "expected urgency: soon → urgent", or a field's name
    problems: tuple[str, ...]  # each naming the field, in plain words
    fields: dict[str, Any]  # the model fields to write (what the file gives)

    @property
    def label(self) -> str:
        return self.code or f"case number {self.position} (no id)"


@dataclass(frozen=True)
class ImportPlan:
    """What importing a file would create, update or leave, and what stops it."""

    cases: tuple[PlannedCase, ...]
    knowledge_base_version: int | None  # the published version the codes were checked against

    def _with(self, action: str) -> list[PlannedCase]:
        return [case for case in self.cases if case.action == action]

    @property
    def creates(self) -> list[PlannedCase]:
        return self._with("create")

    @property
    def updates(self) -> list[PlannedCase]:
        return self._with("update")

    @property
    def unchanged(self) -> list[PlannedCase]:
        return self._with("unchanged")

    @property
    def errors(self) -> list[str]:
        """Every problem, one line each: the case id, the field and what is wrong."""
        return [f"{case.label}: {problem}" for case in self.cases for problem in case.problems]

    @property
    def can_apply(self) -> bool:
        return not self.errors and bool(self.creates or self.updates)


def vignette_import_plan(cases: Sequence[Mapping[str, Any]]) -> ImportPlan:
    """Each case of a file checked (against the latest published knowledge base, if any) and
    matched by id with the vignettes held: to be created, updated (which fields) or unchanged."""
    knowledge_base = published_knowledge_base_or_none()
    codes = [case.get("id") for case in cases if isinstance(case.get("id"), str)]
    held = {vignette.code: vignette for vignette in ClinicalVignette.objects.filter(code__in=codes)}
    repeated = vignette_format.duplicate_ids(cases)
    planned = []
    for position, case in enumerate(cases, start=1):
        code = case.get("id") if isinstance(case.get("id"), str) else ""
        problems = [
            f"{vignette_format.field_label(field)}: {message}"
            for field, messages in vignette_format.case_problems(case, knowledge_base).items()
            for message in messages
        ]
        if code in repeated:
            problems.append(
                f"id: {repeated[code]} cases in the file have this id; each needs its own."
            )
        fields = {name: case[name] for name in IMPORTED_FIELDS if name in case}
        vignette = held.get(code)
        if problems:
            action, changes = "error", ()
        elif vignette is None:
            action, changes = "create", ()
        else:
            changes = tuple(
                _change(name, getattr(vignette, name), value)
                for name, value in fields.items()
                if getattr(vignette, name) != value
            )
            action = "update" if changes else "unchanged"
        planned.append(
            PlannedCase(
                position=position,
                code=code,
                action=action,
                changes=changes,
                problems=tuple(problems),
                fields=fields,
            )
        )
    return ImportPlan(
        cases=tuple(planned),
        knowledge_base_version=None if knowledge_base is None else knowledge_base.version,
    )


def _change(name: str, before: Any, after: Any) -> str:
    label = IMPORTED_FIELDS[name]
    if name not in SHOWN_VALUES:
        return label
    return f"{label}: {_shown(before)} → {_shown(after)}"


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(code) for code in value) or "none"
    return str(value)
