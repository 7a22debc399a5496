"""The knowledge file: merging several files, and validation messages that say where and what."""

from __future__ import annotations

import copy

import pytest

from conditions import knowledge_file
from conditions.engine import Triage
from conditions.knowledge_file import KnowledgeFileError
from conditions.models import TriageLevel
from tests.factories import minimal_document


@pytest.fixture
def document():
    return copy.deepcopy(minimal_document())


def test_the_triage_levels_of_the_database_equal_those_of_the_engine():
    assert [level.value for level in TriageLevel] == [level.value for level in Triage]


def test_the_minimal_document_is_valid(document):
    assert knowledge_file.validate(document) == []


def test_lists_of_several_files_are_concatenated(document):
    conditions = document.pop("conditions")
    merged = knowledge_file.merge(
        [
            ("base.yaml", document),
            ("one.yaml", {"conditions": conditions[:1]}),
            ("two.yaml", {"conditions": conditions[1:]}),
        ]
    )

    assert [c["code"] for c in merged.document["conditions"]] == [
        "septic_arthritis",
        "other_causes",
    ]
    assert merged.sources["conditions[other_causes]"] == "two.yaml"


def test_scoring_may_be_given_in_one_file_only(document):
    with pytest.raises(KnowledgeFileError, match=r"scoring is already given in a\.yaml"):
        knowledge_file.merge([("a.yaml", document), ("b.yaml", {"scoring": document["scoring"]})])


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            lambda d: d["conditions"][0]["evidence"][0].update(probability=1.2),
            "conditions[septic_arthritis].evidence[fever].probability: 1.2 is not strictly "
            "between 0 and 1",
        ),
        (
            lambda d: d["conditions"][0]["evidence"][0].update(finding="fevre"),
            "conditions[septic_arthritis].evidence[fevre]: finding 'fevre' is not in findings",
        ),
        (
            lambda d: d["findings"][1]["baseline"].update(expert_estimate=False),
            "findings[unable_to_bear_weight].baseline: has no source: set reference to a reference "
            "key, or expert_estimate: true",
        ),
        (
            lambda d: d["findings"][0]["baseline"].update(reference="nobody-2020-missing"),
            "findings[fever].baseline.reference: reference 'nobody-2020-missing' is not in "
            "references",
        ),
        (
            lambda d: d["conditions"][0]["duration"].update(le_2_weeks=0.5, ge_6_weeks=0.6),
            "conditions[septic_arthritis].duration: le_2_weeks + ge_6_weeks is above 1; they "
            "describe different people",
        ),
        (
            lambda d: d["conditions"][0].update(min_age=60, max_age=20),
            "conditions[septic_arthritis]: min_age 60 is above max_age 20",
        ),
        (
            lambda d: d["red_flag_rules"][0].update(requires_present=[], requires_absent=["fever"]),
            "red_flag_rules[fever_unable_to_bear_weight]: names no finding in requires_present or "
            "requires_any_of, so it would always fire",
        ),
        (
            lambda d: d["conditions"][1].update(is_other_causes=False),
            "conditions: exactly one condition must have is_other_causes: true "
            "(code other_causes); found 0",
        ),
        (
            lambda d: d["conditions"][0]["priors"].pop(),
            "conditions[septic_arthritis].priors: no prior for age band '16+'; give one for "
            "every band",
        ),
        (
            lambda d: d["findings"].append(copy.deepcopy(d["findings"][0])),
            "findings[fever]: code 'fever' is given more than once",
        ),
        (
            lambda d: d["age_bands"][1].update(min_age=14),
            "age_bands[16+]: starts at 14 and overlaps the band before; expected 16",
        ),
        (
            lambda d: d["findings"][0].update(sensitivity=0.3),
            "findings[fever].sensitivity: unknown key (expected one of code, question, help_text, "
            "question_for_child, help_text_for_child, statement_yes, statement_no, "
            "statement_yes_for_child, statement_no_for_child, answer_type, "
            "section, order, min_age, max_age, blocks_self_care, allows_not_sure, follow_up_for, "
            "implies, baseline)",
        ),
        (
            lambda d: d["findings"][0].update(implies="fevre"),
            "findings[fever].implies: 'fevre' is not another finding of this knowledge base",
        ),
        (
            lambda d: d["findings"][0].update(follow_up_for="fever"),
            "findings[fever].follow_up_for: 'fever' is not another finding of this knowledge base",
        ),
        (
            lambda d: (
                d["findings"][1].update(allows_not_sure=False),
                d["findings"][0].update(follow_up_for="unable_to_bear_weight"),
            ),
            "findings[fever].follow_up_for: unable_to_bear_weight cannot be answered not sure, "
            "so it needs no follow-up",
        ),
        (
            lambda d: (
                d["findings"][0].update(follow_up_for="unable_to_bear_weight"),
                d["findings"][1].update(follow_up_for="fever"),
            ),
            "findings[fever].follow_up_for: unable_to_bear_weight already has a follow-up or is "
            "one",
        ),
        (
            lambda d: (
                d["findings"][0].update(implies="unable_to_bear_weight"),
                d["findings"][1].update(implies="fever"),
            ),
            "findings[fever].implies: unable_to_bear_weight is already part of another implication",
        ),
        (
            lambda d: d["conditions"][0].update(urgency="asap"),
            "conditions[septic_arthritis].urgency: 'asap' is not one of emergency, urgent, soon, "
            "routine, self_care",
        ),
    ],
)
def test_each_problem_is_reported_with_its_location(document, change, error):
    change(document)

    assert error in knowledge_file.validate(document)


def test_problems_name_the_file_they_are_in(document):
    document["conditions"][0]["evidence"][0]["probability"] = 1.2
    sources = {"conditions[septic_arthritis]": "conditions-other.yaml"}

    errors = knowledge_file.validate(document, sources=sources)

    assert errors[0].startswith(
        "conditions-other.yaml: conditions[septic_arthritis].evidence[fever]"
    )


def test_the_canonical_form_fills_defaults_and_sorts_by_code(document):
    document["findings"].reverse()

    canonical = knowledge_file.canonical(document)

    assert [f["code"] for f in canonical["findings"]] == ["fever", "unable_to_bear_weight"]
    assert canonical["findings"][0]["help_text"] == ""
    assert canonical["conditions"][0]["references"] == []
    assert knowledge_file.canonical(canonical) == canonical


def test_the_checksum_ignores_key_order(document):
    reordered = dict(reversed(list(document.items())))

    assert knowledge_file.checksum(reordered) == knowledge_file.checksum(document)


def test_changes_between_versions_are_listed_by_code(document):
    before = knowledge_file.canonical(document)
    document["conditions"][0]["name"] = "Joint infection"
    document["findings"].pop()
    document["red_flag_rules"] = []
    after = knowledge_file.canonical(document)

    changes = {c.section: c for c in knowledge_file.changes_between(before, after)}

    assert changes["conditions"].changed == ("septic_arthritis",)
    assert changes["findings"].removed == ("unable_to_bear_weight",)
    assert changes["red_flag_rules"].removed == ("fever_unable_to_bear_weight",)


def test_an_interview_that_could_never_stop_is_refused(document):
    document = copy.deepcopy(document)
    document["scoring"]["interview"] = {
        **knowledge_file.canonical(document)["scoring"]["interview"],
        "min_questions": 30,
        "max_questions": 20,
    }
    problems = knowledge_file.validate(document)
    assert any(
        "scoring.interview" in problem and "min_questions is above max_questions" in problem
        for problem in problems
    ), problems
