from conditions.engine import Triage, most_urgent


def test_levels_are_declared_most_urgent_first():
    assert [level.rank for level in Triage] == [0, 1, 2, 3, 4]
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
