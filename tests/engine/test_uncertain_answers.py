"""Safe urgency on the answers real people give: "not sure", left out, partial (issue 13).

Run on the seeded knowledge files against triage-policy.md §1 (every rule a floor; only a
confirmed "can bear weight" caps; "not sure" never caps; "hip pain" is always met) and §3
(unanswered warning signs named with the level they would bring).
"""

from __future__ import annotations

from conditions.engine import (
    ReasonKind,
    Triage,
    assess,
)
from tests.engine.kb_documents import answers as person

WARNING_SIGNS = (
    "recent_trauma",
    "unable_to_bear_weight",
    "fever",
    "feels_hot_or_shivery",
    "limp",
    "new_headache_or_jaw_pain",
    "saddle_numbness_or_bladder_change",
)


def test_85_year_old_who_fell_and_is_not_sure_she_can_stand_is_an_emergency(seeded_knowledge_base):
    assessment = assess(seeded_knowledge_base, person(85, "female", 0, recent_trauma=True))
    assert assessment.conditions[0].code == "hip_fracture"
    assert assessment.triage is Triage.EMERGENCY


def test_the_same_woman_who_can_stand_is_seen_the_same_day(seeded_knowledge_base):
    assessment = assess(
        seeded_knowledge_base,
        person(85, "female", 0, recent_trauma=True, unable_to_bear_weight=False),
    )
    assert assessment.triage is Triage.URGENT
    assert "older_adult_trauma" in assessment.fired_red_flags


def test_80_year_old_after_a_fall_with_groin_pain_is_an_emergency(seeded_knowledge_base):
    assessment = assess(
        seeded_knowledge_base, person(80, "female", 0, recent_trauma=True, pain_groin=True)
    )
    assert assessment.triage is Triage.EMERGENCY


def test_70_year_old_with_a_temperature_not_sure_he_can_stand_is_an_emergency(
    seeded_knowledge_base,
):
    assessment = assess(seeded_knowledge_base, person(70, "male", 0, fever=True))
    assert "adult_fever" in assessment.fired_red_flags
    assert assessment.triage is Triage.EMERGENCY


def test_12_year_old_with_a_temperature_and_no_location_is_an_emergency(seeded_knowledge_base):
    assessment = assess(seeded_knowledge_base, person(12, "female", 0, fever=True))
    assert "child_fever_hip_pain" in assessment.fired_red_flags
    assert assessment.triage is Triage.EMERGENCY


def test_55_year_old_not_sure_of_anything_is_neither_999_nor_self_care(seeded_knowledge_base):
    assessment = assess(seeded_knowledge_base, person(55, "female", 1))
    assert assessment.triage not in (Triage.EMERGENCY, Triage.SELF_CARE)
    named = {sign.rule: sign for sign in assessment.unanswered_warning_signs}
    assert named["trauma_unable_to_bear_weight"].urgency is Triage.EMERGENCY
    assert set(named["trauma_unable_to_bear_weight"].findings) == {
        "recent_trauma",
        "unable_to_bear_weight",
    }
    assert "999" in named["trauma_unable_to_bear_weight"].message
    assert named["saddle_numbness"].urgency is Triage.EMERGENCY


def test_75_year_old_not_sure_whether_she_fell_is_not_sent_to_999(seeded_knowledge_base):
    assessment = assess(seeded_knowledge_base, person(75, "female", 1, pain_groin=True))
    assert assessment.triage is not Triage.EMERGENCY
    assert "trauma_unable_to_bear_weight" in {
        sign.rule for sign in assessment.unanswered_warning_signs
    }


def test_not_sure_to_the_warning_signs_and_no_to_the_rest_is_not_self_care(seeded_knowledge_base):
    findings = {code: False for code in seeded_knowledge_base.findings if code not in WARNING_SIGNS}
    assessment = assess(seeded_knowledge_base, person(55, "female", 1, **findings))
    assert assessment.triage is not Triage.SELF_CARE
    assert assessment.unanswered_warning_signs


def test_the_same_answers_with_the_warning_signs_answered_no_may_be_self_care(
    seeded_knowledge_base,
):
    findings = {code: False for code in seeded_knowledge_base.findings}
    assessment = assess(seeded_knowledge_base, person(55, "female", 1, **findings))
    assert assessment.triage is Triage.SELF_CARE
    assert assessment.unanswered_warning_signs == ()


def test_a_sign_is_named_only_when_it_would_raise_the_level(seeded_knowledge_base):
    assessment = assess(seeded_knowledge_base, person(55, "female", 1))
    assert all(
        sign.urgency.is_more_urgent_than(assessment.triage)
        for sign in assessment.unanswered_warning_signs
    )
    assert "adult_fever" not in {sign.rule for sign in assessment.unanswered_warning_signs}


def test_feeling_hot_and_shivery_counts_as_a_temperature_not_measured(seeded_knowledge_base):
    hot = assess(seeded_knowledge_base, person(40, "male", 1, feels_hot_or_shivery=True))
    assert "adult_fever" in hot.fired_red_flags
    measured_no = assess(
        seeded_knowledge_base, person(40, "male", 1, fever=False, feels_hot_or_shivery=True)
    )
    assert "adult_fever" not in measured_no.fired_red_flags


def test_numbness_between_the_legs_leads_with_its_concern(seeded_knowledge_base):
    assessment = assess(
        seeded_knowledge_base,
        person(45, "female", 2, saddle_numbness_or_bladder_change=True, pain_lateral_hip=True),
    )
    assert assessment.triage is Triage.EMERGENCY
    first = assessment.triage_reasons[0]
    assert first.kind is ReasonKind.RED_FLAG
    assert "cauda equina" in first.concern


def test_a_child_with_a_limp_whose_temperature_is_unknown_is_urgent_and_told_when_to_go(
    seeded_knowledge_base,
):
    assessment = assess(seeded_knowledge_base, person(6, "male", 0, limp=True))
    assert assessment.triage is Triage.URGENT
    named = {sign.rule: sign.urgency for sign in assessment.unanswered_warning_signs}
    assert named["child_fever_hip_pain"] is Triage.EMERGENCY


def test_no_self_care_while_a_temperature_is_unknown(seeded_knowledge_base):
    known = {
        code: False for code in seeded_knowledge_base.findings if code != "feels_hot_or_shivery"
    }
    short_mechanical = person(30, "male", 1, **known)
    assert assess(seeded_knowledge_base, short_mechanical).triage is Triage.SELF_CARE
    unknown_fever = {code: answer for code, answer in known.items() if code != "fever"}
    assessment = assess(seeded_knowledge_base, person(30, "male", 1, **unknown_fever))
    assert assessment.triage is not Triage.SELF_CARE
    assert "adult_fever" in {sign.rule for sign in assessment.unanswered_warning_signs}
