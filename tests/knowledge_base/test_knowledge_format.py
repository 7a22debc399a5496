"""The declared knowledge document and its one mapping to the draft rows agree with the models."""

from __future__ import annotations

import pytest

from conditions import document_rows, knowledge_file
from conditions.choices import (
    AnswerType,
    ConditionCategory,
    Population,
    Requirement,
    TriageLevel,
)
from conditions.engine import knowledge_format

MAPPINGS = [
    document_rows.REFERENCE,
    document_rows.AGE_BAND,
    document_rows.SCORING,
    document_rows.FINDING,
    document_rows.CONDITION,
    document_rows.PRIOR,
    document_rows.DURATION,
    document_rows.EVIDENCE,
    document_rows.FORM,
    document_rows.FORM_EVIDENCE,
    document_rows.RED_FLAG_RULE,
]
# Columns that are not an entry's own field: the row's id, its parent, and links set apart
# (an evidence row's finding, a prior's age band).
NOT_FIELDS = {"id", "condition", "form", "finding", "age_band", "rule"}


@pytest.mark.parametrize(
    ("declared", "choices"),
    [
        (knowledge_format.ANSWER_TYPES, AnswerType),
        (knowledge_format.CONDITION_CATEGORIES, ConditionCategory),
        (knowledge_format.POPULATIONS, Population),
        (knowledge_format.TRIAGE_LEVELS, TriageLevel),
    ],
)
def test_the_declared_choices_are_the_models_choices(declared, choices):
    assert list(declared) == list(choices.values)


def test_each_red_flag_list_stands_for_one_requirement():
    assert sorted(document_rows.REQUIREMENT_OF_LIST.values()) == sorted(Requirement.values)


@pytest.mark.parametrize("mapping", MAPPINGS, ids=lambda mapping: mapping.model.__name__)
def test_every_column_of_a_draft_model_is_a_field_of_its_entry(mapping):
    """A field added to the model but not to the declared document (or the other way round)
    fails here, before a load or a publish could drop it."""
    model_fields = {
        field.name
        for field in mapping.model._meta.concrete_fields
        # Fields no curator edits (a source's review flag) are the drafts' own bookkeeping.
        if field.editable and field.name not in NOT_FIELDS and field.name not in mapping.apart
    }
    assert set(mapping.columns.values()) == model_fields


def test_nested_figures_are_placed_in_their_columns():
    assert document_rows.CONDITION.columns["sex.female_share"] == "female_share"
    assert document_rows.CONDITION.columns["sex.reference"] == "female_share_reference"
    assert document_rows.FINDING.columns["baseline.adult"] == "baseline_adult"
    assert document_rows.DOCUMENT_PLACES[document_rows.SCORING.model]["baseline_duration_note"] == (
        "baseline_duration.note"
    )


def test_the_canonical_form_has_every_declared_field_in_declared_order(document):
    canonical = knowledge_file.canonical(document)
    assert list(canonical) == list(knowledge_format.TOP_LEVEL_KEYS)
    for section, (entry, _key) in knowledge_format.SECTIONS.items():
        for item in canonical[section]:
            assert list(item) == list(entry.model_fields)
