"""Making the draft rows equal to a canonical knowledge document, row by row.

Each entry goes through its mapping (``conditions.document_rows``); a row is saved only when one
of its values differs, and rows the document no longer has are deleted last, in the reverse of
the load order. The verbs that call this (load, seed, publish) are in ``conditions.services``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from conditions import document_rows
from conditions.engine.knowledge_format import SECTIONS
from conditions.models import Condition, RedFlagCriterion, RedFlagRule
from conditions.selectors import DRAFT_MODELS

LOAD_ORDER = DRAFT_MODELS


@dataclass
class RowCounts:
    """What a load did to the rows of one model (or to one kind of link)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@dataclass
class LoadReport:
    """What a load did (or, for a dry run, would do), per model.

    ``counts`` compare the file with the drafts as they were. A load through
    ``knowledge_base_load_draft`` (or the seed) also compares the file with the latest published
    version: ``against_published`` has one line per differing field, ``published_number`` is that
    version (None before the first publish), and ``overwritten`` names the entries whose
    unpublished draft edits the load replaced (with ``overwrite_draft``) or would replace (dry run).
    """

    dry_run: bool
    counts: dict[str, RowCounts] = field(default_factory=dict)
    published_number: int | None = None
    against_published: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(counts.changed for counts in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{name}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged, "
            f"{c.deleted} deleted"
            for name, c in self.counts.items()
        ]


class DraftSync:
    """Upserts every draft model from the canonical document, then deletes what is left over."""

    def __init__(self, document: dict[str, Any], report: LoadReport) -> None:
        self.document = document
        self.report = report
        self.stale: dict[type[models.Model], list[models.Model]] = {}
        self.reference_ids: dict[str, int] = {}

    def run(self) -> None:
        """Upsert every draft model in load order, then delete the rows the document dropped."""
        self.sync_references_bands_and_scoring()
        self.sync_findings()
        self.sync_conditions()
        self.sync_evidence_and_forms()
        self.sync_red_flag_rules()
        for model in reversed(LOAD_ORDER):
            for row in self.stale.get(model, []):
                row.delete()

    def sync_references_bands_and_scoring(self) -> None:
        references = self.sync_section("references", document_rows.REFERENCE)
        self.reference_ids = {key: row.pk for key, row in references.items()}
        bands = self.sync_section("age_bands", document_rows.AGE_BAND)
        self.band_ids = {code: row.pk for code, row in bands.items()}
        self.sync(document_rows.SCORING, ("id",), {(1,): self.document["scoring"]})

    def sync_findings(self) -> None:
        findings = self.sync_section("findings", document_rows.FINDING)
        self.finding_ids = {code: row.pk for code, row in findings.items()}
        self.sync_finding_links(findings, "implies")
        self.sync_finding_links(findings, "follow_up_for")

    def sync_conditions(self) -> None:
        conditions = self.document["conditions"]
        self.conditions = self.sync_section("conditions", document_rows.CONDITION)
        self.condition_ids = {code: row.pk for code, row in self.conditions.items()}
        self.sync_links(
            Condition,
            "references",
            "condition references",
            self.conditions,
            {
                condition["code"]: {self.reference_ids[key] for key in condition["references"]}
                for condition in conditions
            },
        )
        self.sync(
            document_rows.PRIOR,
            ("condition_id", "age_band_id"),
            {
                (self.condition_ids[condition["code"]], self.band_ids[prior["band"]]): prior
                for condition in conditions
                for prior in condition["priors"]
            },
        )
        self.sync(
            document_rows.DURATION,
            ("condition_id",),
            {
                (self.condition_ids[condition["code"]],): condition["duration"]
                for condition in conditions
            },
        )

    def sync_evidence_and_forms(self) -> None:
        conditions = self.document["conditions"]
        self.sync(
            document_rows.EVIDENCE,
            ("condition_id", "finding_id", "population"),
            {
                self.evidence_key(self.condition_ids[condition["code"]], evidence): evidence
                for condition in conditions
                for evidence in condition["evidence"]
            },
        )
        forms = self.sync(
            document_rows.FORM,
            ("condition_id", "code"),
            {
                (self.condition_ids[condition["code"]], form["code"]): form
                for condition in conditions
                for form in condition["forms"]
            },
        )
        self.sync(
            document_rows.FORM_EVIDENCE,
            ("form_id", "finding_id", "population"),
            {
                self.evidence_key(
                    forms[(self.condition_ids[condition["code"]], form["code"])].pk, evidence
                ): evidence
                for condition in conditions
                for form in condition["forms"]
                for evidence in form["evidence"]
            },
        )

    def evidence_key(self, owner_id: int, evidence: Mapping[str, Any]) -> tuple[int, int, str]:
        """An evidence row's key: its condition's or form's id, its finding's, its population."""
        return owner_id, self.finding_ids[evidence["finding"]], evidence["population"]

    def sync_red_flag_rules(self) -> None:
        rules = self.sync_section("red_flag_rules", document_rows.RED_FLAG_RULE)
        # The conditions each rule is there to catch.
        self.sync_links(
            RedFlagRule,
            "concern_conditions",
            "red-flag concerns",
            rules,
            {
                rule["code"]: {self.condition_ids[code] for code in rule["concern_conditions"]}
                for rule in self.document["red_flag_rules"]
            },
        )
        self.sync_rows(
            RedFlagCriterion,
            ("rule_id", "finding_id"),
            {
                (rules[rule["code"]].pk, self.finding_ids[code]): {"requirement": requirement}
                for rule in self.document["red_flag_rules"]
                for requirement_list, requirement in document_rows.REQUIREMENT_OF_LIST.items()
                for code in rule[requirement_list]
            },
        )

    def counts(self, model: type[models.Model]) -> RowCounts:
        return self.report.counts.setdefault(str(model._meta.verbose_name_plural), RowCounts())

    def sync_section(
        self, section: str, mapping: document_rows.RowMapping
    ) -> dict[str, models.Model]:
        """Make the rows of a section's entries hold them; the rows by their entry's code."""
        key = SECTIONS[section][1]
        rows = self.sync(
            mapping, (key,), {(entry[key],): entry for entry in self.document[section]}
        )
        return {code: row for (code,), row in rows.items()}

    def sync(
        self,
        mapping: document_rows.RowMapping,
        key_fields: tuple[str, ...],
        entries: dict[tuple, Mapping],
    ) -> dict[tuple, models.Model]:
        """Make the mapping's rows hold ``entries``, each under its key (see ``sync_rows``)."""
        return self.sync_rows(
            mapping.model,
            key_fields,
            {key: mapping.row_values(entry, self.reference_ids) for key, entry in entries.items()},
        )

    def sync_rows(
        self,
        model: type[models.Model],
        key_fields: tuple[str, ...],
        wanted: dict[tuple, dict[str, Any]],
    ) -> dict[tuple, models.Model]:
        """Create or update each wanted row; remember rows not wanted for deletion at the end."""
        counts = self.counts(model)
        existing = {
            tuple(getattr(row, name) for name in key_fields): row
            for row in model._default_manager.all()
        }
        rows = {}
        for key, values in wanted.items():
            row = existing.pop(key, None)
            if row is None:
                # The values may hold the key's columns too (an entry's code is both).
                row = model(**{**dict(zip(key_fields, key, strict=True)), **values})
                row.save()
                counts.created += 1
            elif any(getattr(row, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(row, name, value)
                row.save()
                counts.updated += 1
            else:
                counts.unchanged += 1
            rows[key] = row
        self.stale[model] = list(existing.values())
        counts.deleted += len(existing)
        return rows

    def sync_finding_links(self, findings: dict[str, models.Model], link: str) -> None:
        """Point each finding at the one named in ``link`` (``implies`` or ``follow_up_for``).

        A second pass: both rows must exist first.
        """
        label = {"implies": "finding implications", "follow_up_for": "finding follow-ups"}[link]
        counts = self.report.counts.setdefault(label, RowCounts())
        for finding in self.document["findings"]:
            row = findings[finding["code"]]
            wanted = self.finding_ids[finding[link]] if finding[link] else None
            if getattr(row, f"{link}_id") == wanted:
                counts.unchanged += 1
                continue
            setattr(row, f"{link}_id", wanted)
            row.save()
            counts.updated += 1

    def sync_links(
        self,
        model: type[models.Model],
        link: str,
        label: str,
        rows: dict[str, models.Model],
        wanted_by_code: dict[str, set[int]],
    ) -> None:
        """Set each row's many-to-many ``link`` to the wanted ids, touching only rows whose
        links differ (``set()`` records the change in the row's history)."""
        field = model._meta.get_field(link)
        source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        current: dict[int, set[int]] = {row.pk: set() for row in rows.values()}
        for row_id, target_id in field.remote_field.through.objects.values_list(source, target):
            current.setdefault(row_id, set()).add(target_id)
        counts = self.report.counts.setdefault(label, RowCounts())
        for code, wanted in wanted_by_code.items():
            row = rows[code]
            added, removed = wanted - current[row.pk], current[row.pk] - wanted
            if added or removed:
                getattr(row, link).set(wanted)
            counts.created += len(added)
            counts.deleted += len(removed)
            counts.unchanged += len(wanted & current[row.pk])
