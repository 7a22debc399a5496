"""One mapping between the knowledge document and the draft rows, for loading and publishing.

The declared document (``conditions.engine.knowledge_format``) gives each entry's fields. A draft
model stores an entry's plain fields in columns of the same name and a nested figure's fields in
``<figure>_<field>`` columns, except where a mapping below renames them; a ``reference`` is a
foreign key to the reference with that key. Lists (priors, evidence, forms, criteria, links) and
the fields named ``apart`` are rows or links of their own, which the caller passes in. Loading
(``services``) and publishing (``selectors``) both go through these mappings, and the history
of the drafts places a column in the document through them, so a field added to the declared
document and to the model travels every way with no other change.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import models

from conditions.choices import Requirement
from conditions.engine import knowledge_format as declared
from conditions.models import (
    AgeBand,
    Condition,
    ConditionForm,
    ConditionPrior,
    DurationEvidence,
    Evidence,
    Finding,
    FormEvidence,
    RedFlagRule,
    Reference,
    ScoringPolicy,
)

# A red-flag rule's finding lists and the requirement each stands for in its criteria rows.
REQUIREMENT_OF_LIST: dict[str, str] = dict(
    zip(
        declared.RedFlagRuleEntry.REQUIREMENT_LISTS,
        (Requirement.PRESENT, Requirement.ABSENT, Requirement.ANY_OF, Requirement.QUALIFIER_ABSENT),
        strict=True,
    )
)
LIST_OF_REQUIREMENT = {requirement: name for name, requirement in REQUIREMENT_OF_LIST.items()}


@dataclass(frozen=True)
class RowMapping:
    """How one kind of entry lies in the columns of one draft model.

    ``renamed`` maps a field's place in the entry (``sex.female_share``) to its column where the
    column is not named after it; ``apart`` names the fields kept in other rows or in links.
    """

    entry: type[declared.Entry]
    model: type[models.Model]
    renamed: Mapping[str, str] = field(default_factory=dict)
    apart: frozenset[str] = frozenset()

    @cached_property
    def columns(self) -> dict[str, str]:
        """Each plain field's place in the entry (``baseline.adult``) → its column's name."""
        return dict(self._columns(self.entry, ""))

    def _columns(self, entry: type[declared.Entry], parent: str) -> Iterator[tuple[str, str]]:
        for name in entry.model_fields:
            place = f"{parent}.{name}" if parent else name
            if place in self.apart or declared.is_list(entry, name):
                continue
            nested, _items = declared.declared_within(entry, name)
            if nested is not None:
                yield from self._columns(nested, place)
            else:
                yield place, self.renamed.get(place, place.replace(".", "_"))

    @cached_property
    def places(self) -> dict[str, str]:
        """Each column (by field name) → its place in the entry, where the two differ."""
        return {column: place for place, column in self.columns.items() if column != place}

    def row_values(
        self, entry: Mapping[str, Any], reference_ids: Mapping[str, int]
    ) -> dict[str, Any]:
        """The row's column values (``attname``: value) for a canonical entry."""
        values = {}
        for place, column in self.columns.items():
            value: Any = entry
            for name in place.split("."):
                value = value[name]
            if _is_reference(place):
                values[f"{column}_id"] = reference_ids.get(value)
            else:
                values[column] = value
        return values

    def entry_values(
        self, row: models.Model, reference_keys: Mapping[int, str], **apart: Any
    ) -> dict[str, Any]:
        """The entry of a row, nested and ordered as declared; ``apart`` gives the fields kept
        elsewhere (a field neither a column nor given is left out, so validation names it)."""
        return self._nest(self.entry, "", row, reference_keys, apart)

    def _nest(
        self,
        entry: type[declared.Entry],
        parent: str,
        row: models.Model,
        reference_keys: Mapping[int, str],
        apart: Mapping[str, Any],
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in entry.model_fields:
            place = f"{parent}.{name}" if parent else name
            if place in apart:
                values[name] = apart[place]
            elif place in self.columns:
                column = self.columns[place]
                if _is_reference(place):
                    values[name] = reference_keys.get(getattr(row, f"{column}_id"))
                else:
                    values[name] = getattr(row, column)
            else:
                nested, _items = declared.declared_within(entry, name)
                if nested is not None and place not in self.apart:
                    values[name] = self._nest(nested, place, row, reference_keys, apart)
        return values


def _is_reference(place: str) -> bool:
    return place.rsplit(".", 1)[-1] == "reference"


REFERENCE = RowMapping(declared.ReferenceEntry, Reference)
AGE_BAND = RowMapping(declared.AgeBandEntry, AgeBand)
SCORING = RowMapping(
    declared.Scoring,
    ScoringPolicy,
    renamed={
        "baseline_duration.le_2_weeks": "baseline_le_2_weeks",
        "baseline_duration.ge_6_weeks": "baseline_ge_6_weeks",
        "baseline_duration.ge_12_weeks": "baseline_ge_12_weeks",
        "result_thresholds.fits_probability": "fits_probability",
        "result_thresholds.fits_well_probability": "fits_well_probability",
        "result_thresholds.reason_likelihood_ratio": "reason_likelihood_ratio",
    },
)
# implies and follow_up_for point at other findings, set once every finding has its row.
FINDING = RowMapping(declared.FindingEntry, Finding, apart=frozenset({"follow_up_for", "implies"}))
CONDITION = RowMapping(
    declared.ConditionEntry,
    Condition,
    renamed={
        "sex.female_share": "female_share",
        "sex.reference": "female_share_reference",
        "sex.expert_estimate": "female_share_expert_estimate",
        "sex.note": "female_share_note",
    },
    apart=frozenset({"duration"}),
)
PRIOR = RowMapping(declared.Prior, ConditionPrior, apart=frozenset({"band"}))
DURATION = RowMapping(declared.DurationFigures, DurationEvidence)
EVIDENCE = RowMapping(declared.EvidenceEntry, Evidence, apart=frozenset({"finding"}))
FORM = RowMapping(declared.FormEntry, ConditionForm)
FORM_EVIDENCE = RowMapping(declared.EvidenceEntry, FormEvidence, apart=frozenset({"finding"}))
RED_FLAG_RULE = RowMapping(declared.RedFlagRuleEntry, RedFlagRule)

# Where each draft model's columns sit in its entry, where the names differ (for the history).
DOCUMENT_PLACES: dict[type[models.Model], dict[str, str]] = {
    mapping.model: mapping.places
    for mapping in (
        REFERENCE,
        AGE_BAND,
        SCORING,
        FINDING,
        CONDITION,
        PRIOR,
        DURATION,
        EVIDENCE,
        FORM,
        FORM_EVIDENCE,
        RED_FLAG_RULE,
    )
    if mapping.places
}
