"""Every red-flag rule of the triage policy, as seeded, fires and sets its level.

One case per row of shared/clinical/triage-policy.md §1, run through the engine on the seeded
knowledge files: the rule named must fire and the result must be at least as urgent as the
policy's level (floors) or exactly it (the other rules).
"""

from __future__ import annotations

import pytest

from conditions.engine import Answers, Sex, Triage, assess

# (rule, age, duration in weeks, findings answered yes, policy level)
POLICY_CASES = [
    (
        "trauma_unable_to_bear_weight",
        81,
        0,
        {"recent_trauma", "unable_to_bear_weight"},
        "emergency",
    ),
    ("fever_unable_to_bear_weight", 35, 0, {"fever", "unable_to_bear_weight"}, "emergency"),
    ("child_fever_hip_pain", 4, 0, {"fever", "limp"}, "emergency"),
    ("child_fever_hip_pain", 12, 1, {"fever", "pain_knee"}, "emergency"),
    ("adolescent_unable_to_bear_weight", 13, 3, {"unable_to_bear_weight"}, "emergency"),
    ("saddle_numbness", 45, 2, {"saddle_numbness_or_bladder_change", "low_back_pain"}, "emergency"),
    # The policy's one exception: a confirmed "can bear weight" (see CONFIRMED_BEARING_WEIGHT).
    ("adult_fever", 40, 1, {"fever", "pain_groin"}, "urgent"),
    ("adolescent_limp_groin_or_knee", 12, 6, {"limp", "pain_knee"}, "urgent"),
    ("child_under_10_limp", 7, 1, {"limp"}, "urgent"),
    ("child_under_3_limp", 2, 8, {"limp"}, "urgent"),
    ("older_adult_trauma", 70, 0, {"recent_trauma"}, "urgent"),
    ("gca_headache_or_jaw", 72, 3, {"new_headache_or_jaw_pain", "shoulder_girdle_pain"}, "urgent"),
    (
        "cancer_history_night_pain_or_weight_loss",
        58,
        5,
        {"history_of_cancer", "night_pain"},
        "soon",
    ),
    ("older_adult_weight_loss_and_night_pain", 66, 8, {"weight_loss", "night_pain"}, "soon"),
    ("cancer_history_persistent_pain", 45, 6, {"history_of_cancer", "pain_lateral_hip"}, "soon"),
]
FLOORS = {
    "cancer_history_night_pain_or_weight_loss",
    "older_adult_weight_loss_and_night_pain",
    "cancer_history_persistent_pain",
}
# Rules whose same-day level stands in for their concern's only with unable_to_bear_weight
# answered no (triage-policy.md §1); their cases confirm it.
CONFIRMED_BEARING_WEIGHT = {"adult_fever", "older_adult_trauma"}


@pytest.mark.parametrize(("rule", "age", "weeks", "present", "level"), POLICY_CASES)
def test_each_policy_red_flag_fires_and_sets_its_level(
    seeded_knowledge_base, rule, age, weeks, present, level
):
    answers = Answers(
        age=age,
        sex=Sex.FEMALE,
        duration_weeks=weeks,
        findings=dict.fromkeys(present, True)
        | ({"unable_to_bear_weight": False} if rule in CONFIRMED_BEARING_WEIGHT else {}),
    )
    assessment = assess(seeded_knowledge_base, answers)
    assert rule in assessment.fired_red_flags
    if rule in FLOORS:
        # "At least soon": the conditions that fit may make it more urgent, never less.
        assert not Triage(level).is_more_urgent_than(assessment.triage)
    else:
        assert assessment.triage is Triage(level)


def test_every_seeded_red_flag_rule_is_covered_by_a_policy_case(seeded_knowledge_base):
    assert {rule.code for rule in seeded_knowledge_base.red_flag_rules} == {
        case[0] for case in POLICY_CASES
    }


def test_a_limping_child_of_seven_with_pain_for_weeks_is_not_sent_to_emergency(
    seeded_knowledge_base,
):
    answers = Answers(age=7, sex=Sex.MALE, duration_weeks=6, findings={"limp": True})
    assessment = assess(seeded_knowledge_base, answers)
    assert "child_under_10_limp" not in assessment.fired_red_flags
    assert assessment.triage is not Triage.EMERGENCY


def test_pain_for_under_four_weeks_after_a_cancer_does_not_fire_the_persistent_pain_rule(
    seeded_knowledge_base,
):
    answers = Answers(
        age=45, sex=Sex.FEMALE, duration_weeks=2, findings={"history_of_cancer": True}
    )
    assert (
        "cancer_history_persistent_pain"
        not in assess(seeded_knowledge_base, answers).fired_red_flags
    )
