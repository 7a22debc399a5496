"""The pure comparison: two knowledge bases over the same vignettes, side by side (no database)."""

from __future__ import annotations

import json

from bench.comparison import compare_knowledge_bases, draft_not_run
from tests.bench.conftest import hip_cases, late_fever_case, without_rule
from tests.engine.kb_documents import hip_document, knowledge_base, rule

FEVER_RULE = "fever_unable_to_bear_weight"


def figures(comparison) -> dict[str, tuple[str, str]]:
    return {row.key: (row.published, row.draft) for row in comparison.rows}


def test_the_same_knowledge_base_twice_changes_no_case_and_is_not_less_safe():
    comparison = compare_knowledge_bases(knowledge_base(), knowledge_base(), hip_cases())

    assert comparison.changed_cases == ()
    assert comparison.worsens_safety is False
    assert comparison.safety_reasons == ()
    assert {row.change for row in comparison.rows if row.key != "cases"} == {"same"}


def test_the_rows_give_each_figure_formatted_and_as_raw_numbers():
    comparison = compare_knowledge_bases(knowledge_base(), knowledge_base(), hip_cases())

    assert [row.key for row in comparison.rows] == [
        "cases",
        "top1",
        "top3",
        "triage_exact",
        "under_triage",
        "emergency_missed",
    ]
    assert figures(comparison) == {
        "cases": ("3", "3"),
        "top1": ("3 of 3 (100.0%)", "3 of 3 (100.0%)"),
        "top3": ("3 of 3 (100.0%)", "3 of 3 (100.0%)"),
        "triage_exact": ("3 of 3 (100.0%)", "3 of 3 (100.0%)"),
        "under_triage": ("0 (0.0%)", "0 (0.0%)"),
        "emergency_missed": ("0 of 1", "0 of 1"),
    }
    top1 = comparison.rows[1]
    assert (top1.draft_value, top1.published_value) == (1.0, 1.0)


def test_each_row_unpacks_as_label_draft_and_published():
    comparison = compare_knowledge_bases(knowledge_base(), knowledge_base(), hip_cases())

    label, draft, published = comparison.rows[5]

    assert (label, draft, published) == ("Emergencies missed", "0 of 1", "0 of 1")


def test_a_draft_that_drops_an_emergency_red_flag_worsens_safety():
    draft = knowledge_base(without_rule(hip_document(), FEVER_RULE), version=0)

    comparison = compare_knowledge_bases(draft, knowledge_base(), hip_cases())

    assert comparison.worsens_safety is True
    assert figures(comparison)["emergency_missed"] == ("0 of 1", "1 of 1")
    assert figures(comparison)["under_triage"] == ("0 (0.0%)", "1 (33.3%)")
    missed = next(row for row in comparison.rows if row.key == "emergency_missed")
    assert (missed.published_value, missed.draft_value, missed.change) == (0, 1, "worse")
    assert comparison.safety_reasons[0] == (
        "The draft misses 1 emergency; the published version misses 0."
    )
    assert "Emergencies the published version catches and the draft misses: hip-fever." in (
        comparison.safety_reasons
    )


def test_the_changed_case_says_what_it_was_what_it_becomes_and_that_it_is_worse():
    draft = knowledge_base(without_rule(hip_document(), FEVER_RULE), version=0)

    comparison = compare_knowledge_bases(draft, knowledge_base(), hip_cases())

    (case,) = comparison.changed_cases
    assert case.code == "hip-fever"
    assert (case.published_top, case.published_triage) == ("osteoarthritis", "emergency")
    assert (case.draft_top, case.draft_triage) == ("osteoarthritis", "routine")
    assert (case.expected_top, case.expected_triage) == ("osteoarthritis", "emergency")
    assert case.verdict == "worse"
    assert case.why == "Urgency was exact, now a missed emergency."
    assert case.triage_changed
    assert not case.top_changed
    assert case.narrative.startswith("A 70-year-old woman with months of groin pain")
    assert comparison.draft_under_triaged == ("hip-fever",)


def test_a_draft_that_adds_the_red_flag_back_makes_the_case_better_and_is_not_less_safe():
    published = knowledge_base(without_rule(hip_document(), FEVER_RULE))

    comparison = compare_knowledge_bases(knowledge_base(version=0), published, hip_cases())

    (case,) = comparison.changed_cases
    assert (case.code, case.verdict) == ("hip-fever", "better")
    assert case.why == "Urgency was a missed emergency, now exact."
    assert comparison.worsens_safety is False
    assert next(row for row in comparison.rows if row.key == "emergency_missed").change == (
        "better"
    )


def test_a_new_missed_emergency_worsens_safety_even_when_the_count_stays_the_same():
    # The published version catches a fall but not the fever; the draft the other way round.
    fall = rule(
        "fall_unable_to_stand",
        "emergency",
        requires_present=["recent_trauma", "unable_to_bear_weight"],
    )
    published_document = without_rule(hip_document(), FEVER_RULE)
    published_document["red_flag_rules"].append(fall)
    fall_case = {
        **late_fever_case(),
        "id": "hip-fall",
        "answers": {
            "age": 70,
            "sex": "female",
            "duration_weeks": 30,
            "findings": {"recent_trauma": True, "unable_to_bear_weight": True, "fever": False},
        },
    }

    comparison = compare_knowledge_bases(
        knowledge_base(version=0), knowledge_base(published_document), [*hip_cases(), fall_case]
    )

    assert comparison.draft.emergency_missed == comparison.published.emergency_missed == 1
    assert comparison.worsens_safety is True
    assert comparison.safety_reasons == (
        "Emergencies the published version catches and the draft misses: hip-fall.",
    )
    assert [(case.code, case.verdict) for case in comparison.changed_cases] == [
        ("hip-fall", "worse"),
        ("hip-fever", "better"),
    ]


def test_with_nothing_published_the_draft_stands_alone():
    comparison = compare_knowledge_bases(knowledge_base(version=0), None, hip_cases())

    assert comparison.published is None
    assert comparison.has_published is False
    assert figures(comparison)["top1"] == ("—", "3 of 3 (100.0%)")
    assert {row.change for row in comparison.rows} == {""}
    assert comparison.changed_cases == ()
    assert comparison.worsens_safety is False


def test_with_nothing_published_a_draft_that_misses_an_emergency_worsens_safety():
    draft = knowledge_base(without_rule(hip_document(), FEVER_RULE), version=0)

    comparison = compare_knowledge_bases(draft, None, hip_cases())

    assert comparison.worsens_safety is True
    assert comparison.safety_reasons == (
        "Nothing is published yet, and the draft misses 1 emergency: hip-fever.",
    )


def test_a_draft_that_cannot_be_built_says_so_and_cannot_show_it_is_safe():
    comparison = draft_not_run(["scoring: missing"], knowledge_base(), hip_cases())

    assert comparison.draft_runs is False
    assert comparison.draft is None
    assert comparison.draft_problems == ("scoring: missing",)
    assert comparison.worsens_safety is True
    assert figures(comparison)["top1"] == ("3 of 3 (100.0%)", "—")
    assert comparison.vignettes == 3


def test_a_case_the_draft_cannot_assess_is_counted_and_shown_in_its_own_row():
    case = {**hip_cases()[1], "id": "hip-new-finding"}
    case["answers"] = {**case["answers"], "findings": {"pain_groin": True, "new_sign": True}}
    document = hip_document()
    document["findings"].append({**document["findings"][0], "code": "new_sign"})

    comparison = compare_knowledge_bases(
        knowledge_base(version=0), knowledge_base(document), [case]
    )

    assert figures(comparison)["errors"] == ("0", "1")
    (changed,) = comparison.changed_cases
    assert changed.verdict == "worse"
    assert changed.draft_triage is None
    assert "The draft cannot assess it" in changed.why


def test_as_dict_is_json_and_keeps_figures_rows_and_cases():
    draft = knowledge_base(without_rule(hip_document(), FEVER_RULE), version=0)
    comparison = compare_knowledge_bases(draft, knowledge_base(), hip_cases())

    stored = json.loads(json.dumps(comparison.as_dict()))

    assert stored["worsens_safety"] is True
    assert stored["vignettes"] == 3
    assert stored["draft"]["emergency_missed"] == 1
    assert stored["published"]["emergency_missed"] == 0
    assert stored["rows"][5]["label"] == "Emergencies missed"
    assert stored["rows"][5]["draft_value"] == 1
    assert stored["changed_cases"][0]["code"] == "hip-fever"
    assert stored["changed_cases"][0]["verdict"] == "worse"
    assert stored["changed_cases"][0]["triage_changed"] is True
