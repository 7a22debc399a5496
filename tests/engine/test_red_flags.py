from conditions.engine import ReasonKind, Triage, assess

from .kb_documents import answers, hip_document, knowledge_base, rule


def with_rules(*rules):
    return knowledge_base(hip_document(red_flag_rules=list(rules)))


def test_a_rule_fires_when_every_required_finding_is_answered_yes():
    kb = with_rules(rule("fracture", "emergency", requires_present=["recent_trauma", "limp"]))
    fired = assess(kb, answers(age=70, recent_trauma=True, limp=True))
    assert fired.triage is Triage.EMERGENCY
    assert fired.fired_red_flags == ("fracture",)


def test_a_rule_does_not_fire_when_a_required_finding_is_unknown():
    kb = with_rules(rule("fracture", "emergency", requires_present=["recent_trauma", "limp"]))
    assert assess(kb, answers(age=70, recent_trauma=True)).fired_red_flags == ()


def test_a_rule_that_needs_a_finding_absent_fires_only_when_it_is_answered_no():
    kb = with_rules(
        rule("fever_walking", "urgent", requires_present=["fever"], requires_absent=["limp"])
    )
    assert assess(kb, answers(age=30, fever=True, limp=False)).fired_red_flags == ("fever_walking",)
    assert assess(kb, answers(age=30, fever=True)).fired_red_flags == ()
    assert assess(kb, answers(age=30, fever=True, limp=True)).fired_red_flags == ()


def test_a_rule_with_any_of_needs_at_least_one_of_them_answered_yes():
    kb = with_rules(
        rule(
            "child_fever",
            "emergency",
            requires_present=["fever"],
            requires_any_of=["limp", "pain_groin"],
        )
    )
    assert assess(kb, answers(age=5, fever=True, pain_groin=True)).triage is Triage.EMERGENCY
    assert (
        assess(kb, answers(age=5, fever=True, limp=False, pain_groin=False)).fired_red_flags == ()
    )
    assert assess(kb, answers(age=5, fever=True)).fired_red_flags == ()


def test_a_rule_may_rest_on_any_of_alone():
    kb = with_rules(rule("either", "urgent", requires_any_of=["limp", "fever"]))
    assert assess(kb, answers(age=30, fever=True)).fired_red_flags == ("either",)


def test_age_bounds_of_a_rule_are_inclusive():
    kb = with_rules(rule("scfe", "emergency", min_age=10, max_age=15, requires_present=["limp"]))
    assert [assess(kb, answers(age=age, limp=True)).fired_red_flags for age in (9, 10, 15, 16)] == [
        (),
        ("scfe",),
        ("scfe",),
        (),
    ]


def test_duration_bounds_of_a_rule_include_the_minimum_and_exclude_the_limit():
    kb = with_rules(
        rule(
            "limping_child",
            "urgent",
            duration_min_weeks=1,
            duration_below_weeks=4,
            requires_present=["limp"],
        )
    )
    fired = [
        assess(kb, answers(age=6, limp=True, duration_weeks=weeks)).fired_red_flags
        for weeks in (0.5, 1, 3.9, 4)
    ]
    assert fired == [(), ("limping_child",), ("limping_child",), ()]


def test_a_rule_with_duration_bounds_fires_when_the_duration_is_unknown():
    kb = with_rules(
        rule("limping_child", "urgent", duration_below_weeks=4, requires_present=["limp"])
    )
    assert assess(kb, answers(age=6, limp=True, duration_weeks=None)).triage is Triage.URGENT


def test_the_most_urgent_rule_that_fires_sets_the_level_and_gives_the_reasons():
    kb = with_rules(
        rule("a_urgent", "urgent", requires_present=["fever"]),
        rule("b_emergency", "emergency", requires_present=["fever", "limp"]),
    )
    assessment = assess(kb, answers(age=30, fever=True, limp=True))
    assert assessment.triage is Triage.EMERGENCY
    assert assessment.fired_red_flags == ("a_urgent", "b_emergency")
    assert assessment.triage_reasons[0].kind is ReasonKind.RED_FLAG
    assert assessment.triage_reasons[0].code == "b_emergency"
    assert assessment.triage_reasons[0].message == "b_emergency message"
    assert assessment.triage_reasons[0].concern == "b_emergency concern"
    assert "a_urgent" not in [r.code for r in assessment.triage_reasons]


def test_a_red_flag_sets_the_level_even_when_every_condition_that_fits_is_less_urgent():
    kb = with_rules(rule("night", "urgent", requires_present=["night_pain"]))
    assessment = assess(kb, answers(age=60, night_pain=True, pain_groin=True, duration_weeks=1))
    assert assessment.conditions[0].code == "osteoarthritis"
    assert assessment.triage is Triage.URGENT


def adult_fever(**overrides):
    return rule(
        "fever_adult",
        "urgent",
        **{
            "min_age": 16,
            "requires_present": ["fever"],
            "concern_conditions": ["septic_arthritis"],
            "qualifier_absent": ["unable_to_bear_weight"],
            "cap_unless_ranked_first": True,
            **overrides,
        },
    )


def test_every_rule_is_a_floor_a_plausible_more_urgent_condition_raises_it():
    kb = with_rules(adult_fever())
    assessment = assess(kb, answers(age=60, fever=True, pain_groin=True))
    septic = next(c for c in assessment.conditions if c.code == "septic_arthritis")
    assert assessment.conditions[0].code != "septic_arthritis"
    assert septic.probability >= 0.10
    assert assessment.triage is Triage.EMERGENCY


def test_a_confirmed_qualifier_lets_the_rule_level_stand_for_its_concern():
    kb = with_rules(adult_fever())
    assessment = assess(
        kb, answers(age=60, fever=True, pain_groin=True, unable_to_bear_weight=False)
    )
    assert assessment.conditions[0].code != "septic_arthritis"
    assert assessment.triage is Triage.URGENT
    capped = [r for r in assessment.triage_reasons if r.kind is ReasonKind.CAPPED]
    assert [r.code for r in capped] == ["septic_arthritis"]


def test_not_sure_never_caps():
    kb = with_rules(adult_fever())
    unsure = assess(kb, answers(age=60, fever=True, pain_groin=True))
    assert unsure.triage is Triage.EMERGENCY
    assert not [r for r in unsure.triage_reasons if r.kind is ReasonKind.CAPPED]


def test_a_cap_unless_ranked_first_keeps_the_concern_level_when_it_ranks_first():
    kb = with_rules(adult_fever())
    assessment = assess(
        kb, answers(age=30, fever=True, duration_weeks=0, unable_to_bear_weight=False)
    )
    assert assessment.conditions[0].code == "septic_arthritis"
    assert assessment.triage is Triage.EMERGENCY
    without_exception = with_rules(adult_fever(cap_unless_ranked_first=False))
    capped = assess(
        without_exception,
        answers(age=30, fever=True, duration_weeks=0, unable_to_bear_weight=False),
    )
    assert capped.triage is Triage.URGENT


def test_the_same_condition_ranked_first_without_a_red_flag_brings_emergency():
    assessment = assess(knowledge_base(), answers(age=30, fever=True, duration_weeks=0))
    assert assessment.fired_red_flags == ()
    assert assessment.conditions[0].code == "septic_arthritis"
    assert assessment.triage is Triage.EMERGENCY


def test_a_floor_raises_a_less_urgent_level_to_its_own():
    kb = knowledge_base()
    assessment = assess(
        kb,
        answers(
            age=60, history_of_cancer=True, night_pain=True, pain_groin=True, duration_weeks=30
        ),
    )
    assert assessment.conditions[0].code == "osteoarthritis"
    assert assessment.triage is Triage.SOON
    assert [(r.kind, r.code) for r in assessment.triage_reasons] == [
        (ReasonKind.RED_FLAG, "cancer_night_pain_or_weight_loss")
    ]


def test_a_floor_does_not_lower_a_more_urgent_level():
    kb = knowledge_base()
    assessment = assess(
        kb,
        answers(
            age=60, history_of_cancer=True, weight_loss=True, fever=True, unable_to_bear_weight=True
        ),
    )
    assert assessment.triage is Triage.EMERGENCY
    assert set(assessment.fired_red_flags) == {
        "cancer_night_pain_or_weight_loss",
        "fever_unable_to_bear_weight",
    }
    assert assessment.triage_reasons[0].code == "fever_unable_to_bear_weight"
    assert "cancer_night_pain_or_weight_loss" not in [r.code for r in assessment.triage_reasons]


def test_a_floor_does_not_lower_a_level_set_by_the_conditions():
    kb = knowledge_base()
    assessment = assess(
        kb, answers(age=5, history_of_cancer=True, night_pain=True, limp=True, duration_weeks=0)
    )
    assert assessment.conditions[0].code == "transient_synovitis"
    assert assessment.triage is Triage.URGENT
