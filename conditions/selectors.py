"""Reads of the knowledge base, shaped for their callers as plain data."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import models

from conditions import knowledge_file
from conditions.diffs import FieldChange, evidence_label, field_changes
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
# load writes them (services.LOAD_ORDER); deletions run in the reverse order, so a row is only
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

LIST_OF_REQUIREMENT = {
    requirement: name for name, requirement in knowledge_file.REQUIREMENT_LISTS.items()
}


def knowledge_base_document() -> dict[str, Any]:
    """The draft rows as a knowledge-file document in canonical form (docs/knowledge-format.md).

    A fixed number of queries whatever the size of the knowledge base. If the drafts are
    incomplete (no scoring policy, a condition without duration figures), the key is left out so
    that ``knowledge_file.validate`` names the gap.
    """
    references = list(Reference.objects.order_by("key"))
    reference_keys = {reference.pk: reference.key for reference in references}
    bands = list(AgeBand.objects.order_by("min_age"))
    band_codes = {band.pk: band.code for band in bands}
    band_position = {band.pk: position for position, band in enumerate(bands)}
    findings = list(Finding.objects.select_related("implies").order_by("code"))
    finding_codes = {finding.pk: finding.code for finding in findings}

    def sourcing(reference_id: int | None, expert_estimate: bool, note: str) -> dict[str, Any]:
        return {
            "reference": reference_keys.get(reference_id),
            "expert_estimate": expert_estimate,
            "note": note,
        }

    document: dict[str, Any] = {"format_version": knowledge_file.FORMAT_VERSION}
    policy = ScoringPolicy.objects.first()
    if policy is not None:
        document["scoring"] = {
            "plausible_probability": policy.plausible_probability,
            "baseline_duration": {
                "le_2_weeks": policy.baseline_le_2_weeks,
                "ge_6_weeks": policy.baseline_ge_6_weeks,
                "ge_12_weeks": policy.baseline_ge_12_weeks,
                **sourcing(
                    policy.baseline_duration_reference_id,
                    policy.baseline_duration_expert_estimate,
                    policy.baseline_duration_note,
                ),
            },
            "result_thresholds": {
                "fits_probability": policy.fits_probability,
                "fits_well_probability": policy.fits_well_probability,
                "reason_likelihood_ratio": policy.reason_likelihood_ratio,
                **sourcing(
                    policy.result_thresholds_reference_id,
                    policy.result_thresholds_expert_estimate,
                    policy.result_thresholds_note,
                ),
            },
        }
    document["age_bands"] = [
        {"code": band.code, "min_age": band.min_age, "max_age": band.max_age} for band in bands
    ]
    document["references"] = [
        {
            "key": reference.key,
            "citation": reference.citation,
            "url": reference.url,
            "doi": reference.doi,
            "note": reference.note,
        }
        for reference in references
    ]
    document["findings"] = [
        {
            "code": finding.code,
            "question": finding.question,
            "help_text": finding.help_text,
            "statement_yes": finding.statement_yes,
            "statement_no": finding.statement_no,
            "answer_type": finding.answer_type,
            "section": finding.section,
            "order": finding.order,
            "min_age": finding.min_age,
            "max_age": finding.max_age,
            "blocks_self_care": finding.blocks_self_care,
            "allows_not_sure": finding.allows_not_sure,
            "follow_up_for": finding_codes.get(finding.follow_up_for_id),
            "implies": finding.implies.code if finding.implies_id else None,
            "baseline": {
                "adult": finding.baseline_adult,
                "child": finding.baseline_child,
                **sourcing(
                    finding.baseline_reference_id,
                    finding.baseline_expert_estimate,
                    finding.baseline_note,
                ),
            },
        }
        for finding in findings
    ]
    document["conditions"] = [
        _condition_entry(condition, sourcing, band_codes, band_position, finding_codes)
        for condition in Condition.objects.with_knowledge()
        .prefetch_related("forms__evidence")
        .order_by("code")
    ]
    document["red_flag_rules"] = [
        _red_flag_rule_entry(rule, sourcing, finding_codes)
        for rule in RedFlagRule.objects.with_criteria().order_by("code")
    ]
    return document


Sourcing = Callable[[int | None, bool, str], dict[str, Any]]


def _condition_entry(
    condition: Condition,
    sourcing: Sourcing,
    band_codes: dict[int, str],
    band_position: dict[int, int],
    finding_codes: dict[int, str],
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "code": condition.code,
        "name": condition.name,
        "summary": condition.summary,
        "category": condition.category,
        "is_other_causes": condition.is_other_causes,
        "min_age": condition.min_age,
        "max_age": condition.max_age,
        "sex": {
            "female_share": condition.female_share,
            **sourcing(
                condition.female_share_reference_id,
                condition.female_share_expert_estimate,
                condition.female_share_note,
            ),
        },
        "urgency": condition.urgency,
        "self_care_max_duration_weeks": condition.self_care_max_duration_weeks,
        "doctor_checks": condition.doctor_checks,
        "management": condition.management,
        "icd10": condition.icd10,
        "snomed_ct": condition.snomed_ct,
        "references": sorted(reference.key for reference in condition.references.all()),
        "priors": [
            {
                "band": band_codes[prior.age_band_id],
                "probability": prior.probability,
                **sourcing(prior.reference_id, prior.expert_estimate, prior.note),
            }
            for prior in sorted(condition.priors.all(), key=lambda p: band_position[p.age_band_id])
        ],
    }
    try:
        duration = condition.duration
    except DurationEvidence.DoesNotExist:
        duration = None
    if duration is not None:
        entry["duration"] = {
            "le_2_weeks": duration.le_2_weeks,
            "ge_6_weeks": duration.ge_6_weeks,
            "ge_12_weeks": duration.ge_12_weeks,
            **sourcing(duration.reference_id, duration.expert_estimate, duration.note),
        }
    entry["evidence"] = _evidence_entries(condition.evidence.all(), sourcing, finding_codes)
    entry["forms"] = [
        {
            "code": form.code,
            "name": form.name,
            "description": form.description,
            "share": form.share,
            **sourcing(form.reference_id, form.expert_estimate, form.note),
            "evidence": _evidence_entries(form.evidence.all(), sourcing, finding_codes),
        }
        for form in sorted(condition.forms.all(), key=lambda form: form.code)
    ]
    return entry


def _evidence_entries(
    rows: Iterable[FindingFrequency], sourcing: Sourcing, finding_codes: dict[int, str]
) -> list[dict[str, Any]]:
    """Evidence rows (a condition's or a form's) as the document has them, sorted as
    ``knowledge_file.canonical`` sorts them: by finding, then population."""
    return sorted(
        (
            {
                "finding": finding_codes[evidence.finding_id],
                "population": evidence.population,
                "probability": evidence.probability,
                "specificity": evidence.specificity,
                **sourcing(evidence.reference_id, evidence.expert_estimate, evidence.note),
            }
            for evidence in rows
        ),
        key=lambda evidence: (evidence["finding"], evidence["population"]),
    )


def _red_flag_rule_entry(
    rule: RedFlagRule, sourcing: Sourcing, finding_codes: dict[int, str]
) -> dict[str, Any]:
    named: dict[str, list[str]] = {name: [] for name in knowledge_file.REQUIREMENT_LISTS}
    for criterion in rule.criteria.all():
        named[LIST_OF_REQUIREMENT[criterion.requirement]].append(
            finding_codes[criterion.finding_id]
        )
    return {
        "code": rule.code,
        "name": rule.name,
        "urgency": rule.urgency,
        "concern": rule.concern,
        "concern_conditions": sorted(condition.code for condition in rule.concern_conditions.all()),
        "cap_unless_ranked_first": rule.cap_unless_ranked_first,
        "min_age": rule.min_age,
        "max_age": rule.max_age,
        "duration_min_weeks": rule.duration_min_weeks,
        "duration_below_weeks": rule.duration_below_weeks,
        **{name: sorted(codes) for name, codes in named.items()},
        "message": rule.message,
        "if_unanswered": rule.if_unanswered,
        "reason": rule.reason,
        **sourcing(rule.reference_id, rule.expert_estimate, rule.note),
    }


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


# How each draft model's fields are placed in the document, where the name differs.
_DOCUMENT_FIELD = {
    Condition: {
        "female_share": "sex.female_share",
        "female_share_reference": "sex.reference",
        "female_share_expert_estimate": "sex.expert_estimate",
        "female_share_note": "sex.note",
    },
    Finding: {
        "baseline_adult": "baseline.adult",
        "baseline_child": "baseline.child",
        "baseline_reference": "baseline.reference",
        "baseline_expert_estimate": "baseline.expert_estimate",
        "baseline_note": "baseline.note",
    },
    ScoringPolicy: {
        "baseline_le_2_weeks": "baseline_duration.le_2_weeks",
        "baseline_ge_6_weeks": "baseline_duration.ge_6_weeks",
        "baseline_ge_12_weeks": "baseline_duration.ge_12_weeks",
        "baseline_duration_reference": "baseline_duration.reference",
        "baseline_duration_expert_estimate": "baseline_duration.expert_estimate",
        "baseline_duration_note": "baseline_duration.note",
        "fits_probability": "result_thresholds.fits_probability",
        "fits_well_probability": "result_thresholds.fits_well_probability",
        "reason_likelihood_ratio": "result_thresholds.reason_likelihood_ratio",
        "result_thresholds_reference": "result_thresholds.reference",
        "result_thresholds_expert_estimate": "result_thresholds.expert_estimate",
        "result_thresholds_note": "result_thresholds.note",
    },
}
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
        return rule and f"red_flag_rules[{rule}].{LIST_OF_REQUIREMENT[row.requirement]}"
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
    renamed = _DOCUMENT_FIELD.get(model, {})
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
