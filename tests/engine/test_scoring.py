import dataclasses
import math
import pickle

import pytest

from conditions.engine import DurationBin, RankedCondition, answers_from_mapping, assess

from .kb_documents import (
    answers,
    condition,
    document,
    evidence,
    finding,
    hip_document,
    knowledge_base,
    other_causes,
    sourced,
)


def probabilities(assessment):
    return {condition.code: condition.probability for condition in assessment.conditions}


def all_classes(assessment):
    return (*assessment.conditions, assessment.other_causes_detail)


def test_posteriors_of_named_conditions_and_other_causes_sum_to_one():
    assessment = assess(knowledge_base(), answers(age=60, pain_groin=True, fever=False))
    total = sum(probabilities(assessment).values()) + assessment.other_causes
    assert total == pytest.approx(1.0, abs=1e-12)


def test_other_causes_is_shown_apart_and_never_ranked():
    assessment = assess(knowledge_base(), answers(age=60))
    assert "other_causes" not in probabilities(assessment)
    assert assessment.other_causes_detail.code == "other_causes"
    assert assessment.other_causes == assessment.other_causes_detail.probability


def test_explanation_adds_up_to_the_score_of_every_condition():
    assessment = assess(
        knowledge_base(),
        answers(age=60, duration_weeks=8, pain_groin=True, morning_stiffness=False, fever=True),
    )
    for ranked in all_classes(assessment):
        assert ranked.explained
        explained = ranked.log_prior + math.fsum(
            c.log_likelihood_ratio for c in ranked.contributions
        )
        assert explained == pytest.approx(ranked.score, abs=1e-9)


def test_posteriors_follow_from_the_scores_by_softmax():
    assessment = assess(knowledge_base(), answers(age=30, small_joints=True, duration_weeks=20))
    classes = all_classes(assessment)
    total = math.fsum(math.exp(ranked.score) for ranked in classes)
    for ranked in classes:
        assert ranked.probability == pytest.approx(math.exp(ranked.score) / total, abs=1e-12)


def test_log_prior_is_the_band_prior_times_the_sex_multiplier():
    assessment = assess(knowledge_base(), answers(age=60, sex="female"))
    osteoarthritis = next(c for c in assessment.conditions if c.code == "osteoarthritis")
    assert osteoarthritis.log_prior == pytest.approx(math.log(0.40 * 2 * 0.6))
    assert osteoarthritis.contributions == ()


def test_conditions_are_ranked_by_posterior():
    ranked = assess(knowledge_base(), answers(age=30, small_joints=True)).conditions
    posteriors = [condition.probability for condition in ranked]
    assert posteriors == sorted(posteriors, reverse=True)
    assert ranked[0].code == "rheumatoid_arthritis"


def test_a_finding_that_is_not_answered_is_not_the_same_as_absent():
    kb = knowledge_base()
    unknown = assess(kb, answers(age=30, pain_groin=True))
    absent = assess(kb, answers(age=30, pain_groin=True, small_joints=False))
    assert probabilities(unknown) != probabilities(absent)
    assert (
        probabilities(absent)["rheumatoid_arthritis"]
        < probabilities(unknown)["rheumatoid_arthritis"]
    )


def test_a_finding_answered_not_sure_scores_as_if_it_was_never_asked():
    kb = knowledge_base()
    never_asked = answers_from_mapping({"age": 30, "sex": "female", "findings": {"limp": True}})
    not_sure = answers_from_mapping(
        {"age": 30, "sex": "female", "findings": {"limp": True, "small_joints": None}}
    )
    assert assess(kb, not_sure) == assess(kb, never_asked)


def test_a_finding_no_condition_has_evidence_for_changes_nothing():
    kb = knowledge_base()
    without = assess(kb, answers(age=30, pain_groin=True))
    with_uninformative = assess(kb, answers(age=30, pain_groin=True, recent_trauma=True))
    assert probabilities(without) == probabilities(with_uninformative)


def test_a_finding_without_an_evidence_row_leaves_the_condition_at_baseline():
    assessment = assess(knowledge_base(), answers(age=30, small_joints=True))
    osteoarthritis = next(c for c in assessment.conditions if c.code == "osteoarthritis")
    assert all(c.finding != "small_joints" for c in osteoarthritis.contributions)


def test_contribution_is_the_log_ratio_of_the_condition_to_the_baseline():
    assessment = assess(knowledge_base(), answers(age=30, small_joints=True, pain_groin=False))
    ra = next(c for c in assessment.conditions if c.code == "rheumatoid_arthritis")
    oa = next(c for c in assessment.conditions if c.code == "osteoarthritis")
    (small_joints,) = ra.contributions
    assert small_joints.log_likelihood_ratio == pytest.approx(math.log(0.9 / 0.1))
    assert small_joints.likelihood_ratio == pytest.approx(9.0)
    (groin,) = oa.contributions
    assert groin.answer is False
    assert groin.log_likelihood_ratio == pytest.approx(math.log(0.3 / 0.6))


def test_a_population_specific_evidence_row_wins_over_the_general_one():
    kb = knowledge_base()
    adult = assess(kb, answers(age=30, fever=True))
    child = assess(kb, answers(age=5, fever=True))

    def fever_ratio(assessment):
        septic = next(c for c in assessment.conditions if c.code == "septic_arthritis")
        return next(c.likelihood_ratio for c in septic.contributions if c.finding == "fever")

    assert fever_ratio(adult) == pytest.approx(0.6 / 0.02)
    assert fever_ratio(child) == pytest.approx(0.8 / 0.15)


def test_contributions_are_sorted_by_size_of_effect():
    assessment = assess(
        knowledge_base(),
        answers(age=30, small_joints=True, morning_stiffness=True, duration_weeks=20),
    )
    ra = next(c for c in assessment.conditions if c.code == "rheumatoid_arthritis")
    sizes = [abs(c.log_likelihood_ratio) for c in ra.contributions]
    assert sizes == sorted(sizes, reverse=True)
    assert len(sizes) == 3


def test_conditions_outside_their_age_gate_are_left_out_and_listed():
    child = assess(knowledge_base(), answers(age=5))
    assert "osteoarthritis" not in probabilities(child)
    assert "osteoarthritis" in child.excluded_by_age
    adult = assess(knowledge_base(), answers(age=30))
    assert "transient_synovitis" in adult.excluded_by_age
    assert "osteoarthritis" in probabilities(adult)


def test_an_age_gate_inside_a_band_is_checked_against_the_exact_age():
    source = hip_document()
    gout = condition("gout", {"50+": 0.1}, min_age=60)
    source["conditions"] = [*source["conditions"], gout]
    kb = knowledge_base(source)
    assert "gout" in assess(kb, answers(age=55)).excluded_by_age
    assert "gout" in probabilities(assess(kb, answers(age=60)))
    assert "gout" not in assess(kb, answers(age=60)).excluded_by_age


def test_a_zero_prior_leaves_the_condition_out():
    assessment = assess(knowledge_base(), answers(age=12))
    assert "osteoarthritis" not in probabilities(assessment)
    assert "transient_synovitis" in probabilities(assessment)


def test_female_share_shifts_the_ranking_between_the_sexes():
    source = document(
        findings=[finding("pain_groin")],
        conditions=[
            condition("mostly_women", {"16-49": 0.1}, sex=sourced(female_share=0.8)),
            condition("mostly_men", {"16-49": 0.1}, sex=sourced(female_share=0.2)),
            other_causes(),
        ],
    )
    kb = knowledge_base(source)
    woman = assess(kb, answers(age=30, sex="female")).conditions
    man = assess(kb, answers(age=30, sex="male")).conditions
    assert [c.code for c in woman] == ["mostly_women", "mostly_men"]
    assert [c.code for c in man] == ["mostly_men", "mostly_women"]
    assert woman[0].probability / woman[1].probability == pytest.approx(4.0)


def test_a_condition_with_no_cases_of_one_sex_is_left_out_for_that_sex():
    source = document(
        findings=[finding("pain_groin")],
        conditions=[
            condition("women_only", {"16-49": 0.1}, sex=sourced(female_share=1.0)),
            other_causes(),
        ],
    )
    kb = knowledge_base(source)
    assert assess(kb, answers(age=30, sex="male")).excluded_by_sex == ("women_only",)
    assert [c.code for c in assess(kb, answers(age=30, sex="female")).conditions] == ["women_only"]


def test_a_short_duration_favours_an_acute_condition():
    kb = knowledge_base()
    short = probabilities(assess(kb, answers(age=60, duration_weeks=1)))
    long = probabilities(assess(kb, answers(age=60, duration_weeks=30)))
    assert short["septic_arthritis"] > long["septic_arthritis"]
    assert short["osteoarthritis"] < long["osteoarthritis"]


def test_duration_contributes_the_log_ratio_of_its_bin():
    assessment = assess(knowledge_base(), answers(age=60, duration_weeks=8))
    ra = next(c for c in assessment.conditions if c.code == "rheumatoid_arthritis")
    (duration,) = ra.contributions
    assert duration.finding == "duration"
    assert duration.answer is DurationBin.FROM_6_TO_12_WEEKS
    # bins 6–12 weeks: RA 0.80 − 0.60, baseline 0.55 − 0.45 (no floor needed here)
    assert duration.likelihood_ratio == pytest.approx(0.20 / 0.10)


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [
        (0, DurationBin.UP_TO_2_WEEKS),
        (2, DurationBin.UP_TO_2_WEEKS),
        (2.5, DurationBin.FROM_2_TO_6_WEEKS),
        (6, DurationBin.FROM_6_TO_12_WEEKS),
        (11.9, DurationBin.FROM_6_TO_12_WEEKS),
        (12, DurationBin.FROM_12_WEEKS),
    ],
)
def test_duration_falls_in_the_bins_of_the_duration_table(weeks, expected):
    assessment = assess(knowledge_base(), answers(age=60, duration_weeks=weeks))
    septic = next(c for c in assessment.conditions if c.code == "septic_arthritis")
    assert septic.contributions[0].answer is expected


def test_an_empty_duration_bin_is_floored_rather_than_impossible():
    # transient synovitis: 0.95 within 2 weeks, 0.01 from 6 weeks, so 2–6 weeks would be 0.04
    # and 12+ weeks 0.005; septic arthritis leaves nothing from 6 weeks on but the floor.
    assessment = assess(knowledge_base(), answers(age=5, duration_weeks=52))
    septic = probabilities(assessment)["septic_arthritis"]
    assert 0 < septic < 0.01


def test_unknown_duration_contributes_nothing():
    assessment = assess(knowledge_base(), answers(age=60, duration_weeks=None))
    assert all(not c.contributions for c in assessment.conditions)


def test_a_condition_without_duration_figures_keeps_the_baseline_for_duration():
    assessment = assess(knowledge_base(), answers(age=60, duration_weeks=1))
    assert assessment.other_causes_detail.contributions == ()


def test_ties_are_ranked_by_code():
    source = document(
        findings=[finding("pain_groin")],
        conditions=[
            condition("zeta", {"16-49": 0.1}),
            condition("alpha", {"16-49": 0.1}),
            condition("mu", {"16-49": 0.1}),
            other_causes(),
        ],
    )
    ranked = assess(knowledge_base(source), answers(age=30, pain_groin=True)).conditions
    assert [c.code for c in ranked] == ["alpha", "mu", "zeta"]


def test_the_same_answers_in_another_order_give_the_identical_assessment():
    kb = knowledge_base()
    first = assess(kb, answers(age=60, pain_groin=True, fever=False, small_joints=True))
    second = assess(kb, answers(age=60, small_joints=True, fever=False, pain_groin=True))
    assert first == second


def test_the_assessment_names_the_knowledge_base_version():
    assert assess(knowledge_base(version=12), answers()).knowledge_base_version == 12


def test_other_causes_evidence_lowers_it_for_inflammatory_findings():
    kb = knowledge_base()
    assessment = assess(kb, answers(age=30, morning_stiffness=True))
    (stiffness,) = assessment.other_causes_detail.contributions
    assert stiffness.log_likelihood_ratio < 0


def test_large_knowledge_bases_explain_only_the_conditions_worth_reading():
    source = document(
        findings=[finding("pain_groin")],
        conditions=[
            *(
                condition(f"rare_{n:03}", {"16-49": 0.0001}, [evidence("pain_groin", 0.3)])
                for n in range(40)
            ),
            condition("common", {"16-49": 0.3}, [evidence("pain_groin", 0.9)]),
            other_causes(),
        ],
    )
    ranked = assess(knowledge_base(source), answers(age=30, pain_groin=True)).conditions
    assert len(ranked) == 41
    assert all(c.explained and c.contributions for c in ranked[:20])
    assert not any(c.explained or c.contributions for c in ranked[20:])


def many_conditions_document():
    return document(
        findings=[finding("pain_groin")],
        conditions=[
            *(
                condition(
                    f"rare_{n:03}", {"16-49": 0.0001 * (n + 1)}, [evidence("pain_groin", 0.3)]
                )
                for n in range(40)
            ),
            condition("common", {"16-49": 0.3}, [evidence("pain_groin", 0.9)]),
            other_causes(),
        ],
    )


def test_rows_past_the_explained_ones_are_built_only_when_read():
    assessment = assess(knowledge_base(many_conditions_document()), answers(age=30))
    ranked = assessment.conditions

    first_five = ranked[:5]
    assert ranked._later_rows is None  # nothing past the explained rows was built
    assert [c.code for c in first_five][:2] == ["common", "rare_039"]

    everything = tuple(ranked)
    assert ranked._later_rows is not None
    assert len(everything) == len(ranked) == 41
    assert [c.probability for c in everything] == sorted(
        (c.probability for c in everything), reverse=True
    )
    assert everything[-1].code == "rare_000"


def test_ranked_conditions_behave_as_a_tuple():
    kb = knowledge_base(many_conditions_document())
    ranked = assess(kb, answers(age=30)).conditions
    again = assess(kb, answers(age=30)).conditions
    as_tuple = tuple(ranked)

    assert ranked[-1] == as_tuple[-1]
    assert ranked[3:25:2] == as_tuple[3:25:2]
    assert ranked == as_tuple == again
    assert hash(ranked) == hash(again)
    assert ranked[0] in ranked
    with pytest.raises(IndexError):
        ranked[41]


def test_ranked_conditions_are_ordinary_frozen_dataclasses():
    ranked = assess(knowledge_base(), answers(age=60, pain_groin=True)).conditions[0]
    assert type(ranked) is RankedCondition
    # Built through a draft of the same layout (assessment._RankedConditionDraft): every field
    # must be set, and the instance must behave as one made by the constructor.
    copied = pickle.loads(pickle.dumps(ranked))
    assert copied == ranked
    assert hash(copied) == hash(ranked)
    assert dataclasses.replace(ranked, probability=0.5).probability == 0.5
    assert dataclasses.replace(ranked, probability=0.5) != ranked
    assert dataclasses.asdict(ranked)["code"] == "osteoarthritis"
    # The contributions, built when first read, survive the copy as the tuple they stand for.
    assert copied.contributions == ranked.contributions
    assert [c.finding for c in copied.contributions][:1] == ["pain_groin"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ranked.probability = 1.0
