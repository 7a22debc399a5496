from conditions.engine import Triage, most_urgent

# triage-policy.md's five levels, most urgent first, written out here and not derived from the
# enum: reordering the enum's members would silently change every comparison.
POLICY_ORDER = ["emergency", "urgent", "soon", "routine", "self_care"]


def test_each_level_is_more_urgent_than_exactly_those_after_it_in_the_policy():
    for position, name in enumerate(POLICY_ORDER):
        level = Triage(name)
        assert {str(other) for other in Triage if level.is_more_urgent_than(other)} == set(
            POLICY_ORDER[position + 1 :]
        )


def test_the_stored_choices_follow_the_policy_order():
    from conditions.choices import TriageLevel

    assert list(TriageLevel.values) == POLICY_ORDER


def test_levels_are_declared_most_urgent_first():
    assert list(Triage) == [
        Triage.EMERGENCY,
        Triage.URGENT,
        Triage.SOON,
        Triage.ROUTINE,
        Triage.SELF_CARE,
    ]


def test_emergency_is_more_urgent_than_every_other_level():
    assert all(
        Triage.EMERGENCY.is_more_urgent_than(level) for level in Triage if level != "emergency"
    )
    assert not Triage.EMERGENCY.is_more_urgent_than(Triage.EMERGENCY)


def test_most_urgent_picks_the_level_that_asks_to_act_soonest():
    assert most_urgent([Triage.ROUTINE, Triage.SOON, Triage.SELF_CARE]) == Triage.SOON


def test_levels_compare_equal_to_their_stored_strings():
    assert Triage.SELF_CARE == "self_care"
    assert Triage("urgent") is Triage.URGENT
