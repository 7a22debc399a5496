from conditions.engine import ReasonKind, Triage, assess

from .kb_documents import (
    answers,
    condition,
    document,
    finding,
    knowledge_base,
    other_causes,
)


def test_the_condition_ranked_first_brings_its_level():
    assessment = assess(
        knowledge_base(), answers(age=30, small_joints=True, morning_stiffness=True)
    )
    assert assessment.conditions[0].code == "rheumatoid_arthritis"
    assert assessment.triage is Triage.SOON
    assert [(r.kind, r.code) for r in assessment.triage_reasons] == [
        (ReasonKind.CONDITION, "rheumatoid_arthritis")
    ]


def test_a_less_probable_but_plausible_condition_that_is_more_urgent_sets_the_level():
    assessment = assess(knowledge_base(), answers(age=5, limp=True, duration_weeks=1, fever=True))
    ranked = {c.code: c.probability for c in assessment.conditions}
    assert assessment.conditions[0].code == "transient_synovitis"
    assert ranked["septic_arthritis"] >= 0.10
    assert assessment.triage is Triage.EMERGENCY
    assert [r.code for r in assessment.triage_reasons] == ["septic_arthritis"]


def threshold_document(plausible_probability):
    return document(
        findings=[finding("pain_groin")],
        conditions=[
            condition("common", {"16-49": 0.60}),
            condition("serious", {"16-49": 0.08}, urgency="urgent"),
            other_causes(prior=0.32),
        ],
        plausible_probability=plausible_probability,
    )


def test_a_condition_below_the_plausible_threshold_does_not_bring_its_level():
    assessment = assess(knowledge_base(threshold_document(0.10)), answers(age=30))
    serious = next(c for c in assessment.conditions if c.code == "serious")
    assert serious.probability < 0.10
    assert assessment.triage is Triage.ROUTINE


def test_a_lower_plausible_threshold_lets_a_less_probable_condition_bring_its_level():
    assessment = assess(knowledge_base(threshold_document(0.05)), answers(age=30))
    assert assessment.triage is Triage.URGENT
    assert [r.code for r in assessment.triage_reasons] == ["serious"]


def test_short_pain_without_warning_signs_allows_self_care():
    assessment = assess(knowledge_base(), answers(age=60, pain_groin=True, duration_weeks=2))
    assert assessment.triage is Triage.SELF_CARE
    assert {r.kind for r in assessment.triage_reasons} == {ReasonKind.SELF_CARE}
    assert {r.code for r in assessment.triage_reasons} == {"osteoarthritis", "other_causes"}


def test_pain_longer_than_the_self_care_limit_is_routine():
    assessment = assess(knowledge_base(), answers(age=60, pain_groin=True, duration_weeks=3))
    assert assessment.triage is Triage.ROUTINE


def test_unknown_duration_never_allows_self_care():
    assessment = assess(knowledge_base(), answers(age=60, pain_groin=True))
    assert assessment.triage is Triage.ROUTINE


def test_a_finding_that_blocks_self_care_answered_yes_forbids_it():
    assessment = assess(
        knowledge_base(), answers(age=60, pain_groin=True, weight_loss=True, duration_weeks=1)
    )
    assert assessment.conditions[0].code == "osteoarthritis"
    assert assessment.triage is Triage.ROUTINE


def test_a_finding_that_blocks_self_care_answered_no_does_not_forbid_it():
    assessment = assess(
        knowledge_base(), answers(age=60, pain_groin=True, weight_loss=False, duration_weeks=1)
    )
    assert assessment.triage is Triage.SELF_CARE


def test_a_plausible_condition_without_self_care_outranks_self_care():
    source = document(
        findings=[finding("pain_groin")],
        conditions=[
            condition("strain", {"16-49": 0.5}, self_care_max_duration_weeks=2),
            condition("stress_fracture", {"16-49": 0.2}, urgency="soon"),
            other_causes(self_care_max_duration_weeks=2),
        ],
    )
    assessment = assess(knowledge_base(source), answers(age=30, duration_weeks=1))
    assert assessment.triage is Triage.SOON


def test_other_causes_brings_its_level_when_no_named_condition_reaches_the_threshold():
    source = document(
        findings=[finding("pain_groin")],
        conditions=[
            *(condition(f"possible_{n:02}", {"16-49": 0.08}) for n in range(12)),
            other_causes(prior=0.04, urgency="soon"),
        ],
    )
    assessment = assess(knowledge_base(source), answers(age=30))
    assert assessment.triage is Triage.SOON
    assert [(r.kind, r.code) for r in assessment.triage_reasons] == [
        (ReasonKind.DEFAULT, "other_causes")
    ]


def test_other_causes_below_the_threshold_brings_nothing_when_a_named_condition_is_plausible():
    source = document(
        findings=[finding("pain_groin")],
        conditions=[
            condition("common", {"16-49": 0.9}),
            other_causes(prior=0.05, urgency="soon"),
        ],
    )
    assessment = assess(knowledge_base(source), answers(age=30))
    assert assessment.other_causes < 0.10
    assert assessment.triage is Triage.ROUTINE


def test_other_causes_reaching_the_threshold_brings_its_level():
    source = document(
        findings=[finding("pain_groin")],
        conditions=[condition("common", {"16-49": 0.5}), other_causes(urgency="soon")],
    )
    assessment = assess(knowledge_base(source), answers(age=30))
    assert assessment.triage is Triage.SOON
    assert [(r.kind, r.code) for r in assessment.triage_reasons] == [
        (ReasonKind.CONDITION, "other_causes")
    ]


def first_named_behind_other_causes_document(other_prior):
    return document(
        findings=[finding("pain_groin")],
        conditions=[
            condition("dangerous", {"16-49": 0.03}, urgency="emergency"),
            condition("mild", {"16-49": 0.02}),
            other_causes(prior=other_prior),
        ],
    )


def test_a_first_named_condition_less_likely_than_other_causes_does_not_set_the_level():
    source = first_named_behind_other_causes_document(other_prior=0.95)
    assessment = assess(knowledge_base(source), answers(age=30))
    assert assessment.conditions[0].code == "dangerous"
    assert assessment.conditions[0].probability < assessment.other_causes
    assert assessment.triage is Triage.ROUTINE
    assert [r.kind for r in assessment.triage_reasons] == [ReasonKind.CONDITION]
    assert [r.code for r in assessment.triage_reasons] == ["other_causes"]


def test_a_first_named_condition_more_likely_than_other_causes_brings_its_level():
    source = first_named_behind_other_causes_document(other_prior=0.02)
    assessment = assess(knowledge_base(source), answers(age=30))
    assert assessment.conditions[0].code == "dangerous"
    assert assessment.triage is Triage.EMERGENCY
