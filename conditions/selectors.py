"""Reads of the knowledge base, shaped for their callers as plain data."""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import models

from conditions import document_rows, knowledge_file
from conditions.diffs import FieldChange, field_changes
from conditions.engine.knowledge_format import FORMAT_VERSION, evidence_label
from conditions.models import (
    AgeBand,
    Condition,
    ConditionForm,
    ConditionPrior,
    DurationEvidence,
    Evidence,
    Finding,
    FindingFrequency,
    FormEvidence,
    KnowledgeBaseVersion,
    RedFlagCriterion,
    RedFlagRule,
    Reference,
    ScoringPolicy,
)

# The draft models, each with its history of who changed what, when and why, in the order a
# load writes them (draft_sync.LOAD_ORDER); deletions run in the reverse order, so a row is only
# deleted once nothing in the file points at it any more.
DRAFT_MODELS: tuple[type[models.Model], ...] = (
    Reference,
    AgeBand,
    ScoringPolicy,
    Finding,
    Condition,
    ConditionPrior,
    DurationEvidence,
    Evidence,
    ConditionForm,
    FormEvidence,
    RedFlagRule,
    RedFlagCriterion,
)


def knowledge_base_document() -> dict[str, Any]:
    """The draft rows as a knowledge-file document in canonical form (docs/knowledge-format.md).

    A fixed number of queries whatever the size of the knowledge base. If the drafts are
    incomplete (no scoring policy, a condition without duration figures), the key is left out so
    that ``knowledge_file.validate`` names the gap.
    """
    references = list(Reference.objects.order_by("key"))
    keys = {reference.pk: reference.key for reference in references}
    bands = list(AgeBand.objects.order_by("min_age"))
    band_codes = {band.pk: band.code for band in bands}
    band_position = {band.pk: position for position, band in enumerate(bands)}
    findings = list(Finding.objects.order_by("code"))
    finding_codes = {finding.pk: finding.code for finding in findings}

    document: dict[str, Any] = {"format_version": FORMAT_VERSION}
    policy = ScoringPolicy.objects.first()
    if policy is not None:
        document["scoring"] = document_rows.SCORING.entry_values(policy, keys)
    document["age_bands"] = [document_rows.AGE_BAND.entry_values(band, keys) for band in bands]
    document["references"] = [
        document_rows.REFERENCE.entry_values(entry, keys) for entry in references
    ]
    document["findings"] = [
        document_rows.FINDING.entry_values(
            finding,
            keys,
            follow_up_for=finding_codes.get(finding.follow_up_for_id),
            implies=finding_codes.get(finding.implies_id),
        )
        for finding in findings
    ]
    document["conditions"] = [
        _condition_entry(condition, keys, band_codes, band_position, finding_codes)
        for condition in Condition.objects.with_knowledge()
        .prefetch_related("forms__evidence")
        .order_by("code")
    ]
    document["red_flag_rules"] = [
        _red_flag_rule_entry(rule, keys, finding_codes)
        for rule in RedFlagRule.objects.with_criteria().order_by("code")
    ]
    return document


def _condition_entry(
    condition: Condition,
    keys: dict[int, str],
    band_codes: dict[int, str],
    band_position: dict[int, int],
    finding_codes: dict[int, str],
) -> dict[str, Any]:
    apart: dict[str, Any] = {
        "references": sorted(reference.key for reference in condition.references.all()),
        "priors": [
            document_rows.PRIOR.entry_values(prior, keys, band=band_codes[prior.age_band_id])
            for prior in sorted(condition.priors.all(), key=lambda p: band_position[p.age_band_id])
        ],
        "evidence": _evidence_entries(
            document_rows.EVIDENCE, condition.evidence.all(), keys, finding_codes
        ),
        "forms": [
            document_rows.FORM.entry_values(
                form,
                keys,
                evidence=_evidence_entries(
                    document_rows.FORM_EVIDENCE, form.evidence.all(), keys, finding_codes
                ),
            )
            for form in sorted(condition.forms.all(), key=lambda form: form.code)
        ],
    }
    # Left out when missing, so that validation names the gap.
    with contextlib.suppress(DurationEvidence.DoesNotExist):
        apart["duration"] = document_rows.DURATION.entry_values(condition.duration, keys)
    return document_rows.CONDITION.entry_values(condition, keys, **apart)


def _evidence_entries(
    mapping: document_rows.RowMapping,
    evidence_rows: Iterable[FindingFrequency],
    keys: dict[int, str],
    finding_codes: dict[int, str],
) -> list[dict[str, Any]]:
    """Evidence rows (a condition's or a form's) as the document has them, sorted as
    ``knowledge_file.canonical`` sorts them: by finding, then population."""
    return sorted(
        (
            mapping.entry_values(evidence, keys, finding=finding_codes[evidence.finding_id])
            for evidence in evidence_rows
        ),
        key=lambda evidence: (evidence["finding"], evidence["population"]),
    )


def _red_flag_rule_entry(
    rule: RedFlagRule, keys: dict[int, str], finding_codes: dict[int, str]
) -> dict[str, Any]:
    named: dict[str, list[str]] = {name: [] for name in document_rows.REQUIREMENT_OF_LIST}
    for criterion in rule.criteria.all():
        named[document_rows.LIST_OF_REQUIREMENT[criterion.requirement]].append(
            finding_codes[criterion.finding_id]
        )
    return document_rows.RED_FLAG_RULE.entry_values(
        rule,
        keys,
        concern_conditions=sorted(condition.code for condition in rule.concern_conditions.all()),
        **{name: sorted(codes) for name, codes in named.items()},
    )


def latest_published_version() -> KnowledgeBaseVersion | None:
    """The latest published version, or None before the first publish."""
    return KnowledgeBaseVersion.objects.latest_first().first()


# --- What is waiting for publication, and who changed it ---


@dataclass(frozen=True)
class DraftEdit:
    """One save of a draft row since the latest publish: who, when, why, and what it touched.

    ``touched`` are document locations (``conditions[x].evidence[fever].probability``) whose
    value this save set; ``editor`` is the user's name, empty for a load from the command line.
    """

    editor_id: int | None
    editor: str
    at: datetime
    reason: str
    action: str
    touched: tuple[str, ...]

    def touches(self, change: FieldChange) -> bool:
        return any(_within(change.location, place) for place in self.touched)

    def as_dict(self) -> dict[str, Any]:
        return {
            "editor": self.editor,
            "editor_id": self.editor_id,
            "at": self.at.isoformat(),
            "reason": self.reason,
            "action": self.action,
        }


@dataclass(frozen=True)
class PendingChange:
    """One field the drafts change against the latest published version, with its edits."""

    change: FieldChange
    edits: tuple[DraftEdit, ...]

    @property
    def editors(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(edit.editor or "(command line)" for edit in self.edits))

    @property
    def editor_ids(self) -> frozenset[int]:
        return frozenset(edit.editor_id for edit in self.edits if edit.editor_id is not None)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(edit.reason for edit in self.edits if edit.reason))

    @property
    def last_edited(self) -> datetime | None:
        return max((edit.at for edit in self.edits), default=None)

    def as_dict(self) -> dict[str, Any]:
        return {**self.change.as_dict(), "edits": [edit.as_dict() for edit in self.edits]}


@dataclass(frozen=True)
class PendingPublication:
    """What publishing now would do: the drafts' problems and their changes, field by field."""

    problems: list[str]
    latest_number: int | None
    changes: list[knowledge_file.SectionChanges]
    field_changes: list[PendingChange]
    draft_document: dict[str, Any]
    published_document: dict[str, Any] | None

    @property
    def unchanged(self) -> bool:
        """The drafts are exactly the latest published version (nothing to publish)."""
        return self.published_document is not None and knowledge_file.checksum(
            self.draft_document
        ) == knowledge_file.checksum(self.published_document)

    @property
    def next_number(self) -> int:
        return (self.latest_number or 0) + 1

    def edited_by(self, user_id: int) -> list[PendingChange]:
        """The changes this user had a hand in since the latest publish."""
        return [pending for pending in self.field_changes if user_id in pending.editor_ids]


def knowledge_base_pending_publication() -> PendingPublication:
    """The drafts compared with the latest published version, field by field, with the edits
    (who, when, why) since that version that made each difference."""
    document = knowledge_base_document()
    latest = latest_published_version()
    published = latest.document if latest else None
    edits = _draft_edits_since(latest.published_at if latest else None)
    return PendingPublication(
        problems=knowledge_file.validate(document),
        latest_number=latest.number if latest else None,
        changes=knowledge_file.changes_between(published, document),
        field_changes=[
            PendingChange(change, tuple(edit for edit in edits if edit.touches(change)))
            for change in field_changes(published, document)
        ],
        draft_document=document,
        published_document=published,
    )


def _within(location: str, place: str) -> bool:
    """One location holds the other: ``conditions[x]`` and ``conditions[x].name`` overlap."""
    if location == place:
        return True
    inner, outer = (location, place) if len(location) > len(place) else (place, location)
    return inner.startswith(outer) and inner[len(outer)] in ".["


# Fields that say which entry a row is: a change to one moves the row to another entry.
_IDENTITY_FIELDS = {
    "code",
    "key",
    "condition",
    "finding",
    "population",
    "age_band",
    "form",
    "rule",
    "requirement",
}
# A save that changes none of the row's own fields changed its links (simple-history records a
# change of a many-to-many field as a save of the row).
_LINK_FIELDS = {Condition: "references", RedFlagRule: "concern_conditions"}
_ACTIONS = {"+": "added", "~": "changed", "-": "deleted"}


def _draft_edits_since(since: datetime | None) -> list[DraftEdit]:
    """Every history row of the drafts saved after ``since`` (all of them when None), oldest
    first, each with the document locations its save set."""
    rows_by_model = {
        model: list(
            model.history.filter(**({"history_date__gt": since} if since else {}))
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        for model in DRAFT_MODELS
    }
    names = _Names(rows_by_model)
    edits = []
    for model, rows in rows_by_model.items():
        previous = _rows_before(model, {row.id for row in rows}, since)
        for row in rows:
            before = previous.get(row.id)
            previous[row.id] = row
            edits.append(
                DraftEdit(
                    editor_id=row.history_user_id,
                    editor=row.history_user.get_username() if row.history_user else "",
                    at=row.history_date,
                    reason=row.history_change_reason or "",
                    action=_ACTIONS[row.history_type],
                    touched=tuple(_touched(model, row, before, names)),
                )
            )
    return sorted(edits, key=lambda edit: edit.at)


def _rows_before(model: type[models.Model], ids: set[int], since: datetime | None) -> dict:
    """For each row id, its last history row at or before ``since``: what each save changed
    is read against the one before it."""
    if since is None or not ids:
        return {}
    return {
        row.id: row
        for row in model.history.filter(id__in=ids, history_date__lte=since)
        .order_by("id", "-history_date", "-history_id")
        .distinct("id")
    }


class _Names:
    """Codes of the rows that history rows point at, including rows deleted since."""

    def __init__(self, rows_by_model: dict[type[models.Model], list]) -> None:
        self.codes: dict[type[models.Model], dict[int, str]] = {}
        for model, field in (
            (Condition, "code"),
            (Finding, "code"),
            (AgeBand, "code"),
            (RedFlagRule, "code"),
        ):
            codes = dict(model._default_manager.values_list("id", field))
            for row in rows_by_model[model]:
                codes.setdefault(row.id, getattr(row, field))
            self.codes[model] = codes
        # A form is named by its condition and its code.
        self.forms: dict[int, tuple[int, str]] = {
            pk: (condition_id, code)
            for pk, condition_id, code in ConditionForm._default_manager.values_list(
                "id", "condition_id", "code"
            )
        }
        for row in rows_by_model[ConditionForm]:
            self.forms.setdefault(row.id, (row.condition_id, row.code))

    def of(self, model: type[models.Model], pk: int | None) -> str | None:
        return self.codes[model].get(pk)

    def form(self, pk: int | None) -> str | None:
        """Where a form sits in the document: ``conditions[x].forms[y]``."""
        if pk not in self.forms:
            return None
        condition_id, code = self.forms[pk]
        condition = self.of(Condition, condition_id)
        return condition and f"conditions[{condition}].forms[{code}]"


def _location(model: type[models.Model], row: Any, names: _Names) -> str | None:
    """Where a draft row (as one of its history rows has it) sits in the document."""
    if model is Reference:
        return f"references[{row.key}]"
    if model is AgeBand:
        return f"age_bands[{row.code}]"
    if model is ScoringPolicy:
        return "scoring"
    if model is Finding:
        return f"findings[{row.code}]"
    if model is Condition:
        return f"conditions[{row.code}]"
    if model is RedFlagRule:
        return f"red_flag_rules[{row.code}]"
    if model is RedFlagCriterion:
        rule = names.of(RedFlagRule, row.rule_id)
        return (
            rule and f"red_flag_rules[{rule}].{document_rows.LIST_OF_REQUIREMENT[row.requirement]}"
        )
    if model is FormEvidence:
        form = names.form(row.form_id)
        return form and _evidence_location(form, row, names)
    condition = names.of(Condition, row.condition_id)
    if condition is None:
        return None
    if model is ConditionPrior:
        band = names.of(AgeBand, row.age_band_id)
        return band and f"conditions[{condition}].priors[{band}]"
    if model is DurationEvidence:
        return f"conditions[{condition}].duration"
    if model is ConditionForm:
        return f"conditions[{condition}].forms[{row.code}]"
    return _evidence_location(f"conditions[{condition}]", row, names)


def _evidence_location(owner: str, row: Any, names: _Names) -> str | None:
    """An evidence row of a condition or of a form: ``conditions[x].evidence[fever, child]``."""
    finding = names.of(Finding, row.finding_id)
    if finding is None:
        return None
    return f"{owner}.evidence[{evidence_label(finding, row.population)}]"


def _touched(model: type[models.Model], row: Any, before: Any, names: _Names) -> list[str]:
    here = _location(model, row, names)
    if here is None:
        return []
    if row.history_type != "~" or before is None:
        return [here]
    changed = [
        field.name
        for field in model._meta.concrete_fields
        if field.name != "id" and getattr(row, field.attname) != getattr(before, field.attname)
    ]
    if _IDENTITY_FIELDS.intersection(changed):
        there = _location(model, before, names)
        return [here] if there in (None, here) else [here, there]
    if model is RedFlagCriterion:
        return [here]
    if not changed:
        link = _LINK_FIELDS.get(model)
        return [f"{here}.{link}"] if link else []
    renamed = document_rows.DOCUMENT_PLACES.get(model, {})
    return [f"{here}.{renamed.get(name, name)}" for name in changed]


def bench_comparison(pending: PendingPublication) -> Any | None:
    """The clinical test bench on the drafts: the curators' vignettes scored by the drafts and
    by the latest published version, side by side (``bench.services.BenchComparison``).

    None while the bench is not installed, or while the drafts are not a valid knowledge base
    (the engine cannot score them; publishing is refused for that anyway).
    """
    if pending.problems or not apps.is_installed("bench"):
        return None
    if importlib.util.find_spec("bench.services") is None:
        return None
    from bench.services import compare_with_published

    return compare_with_published(pending.draft_document, pending.published_document)
