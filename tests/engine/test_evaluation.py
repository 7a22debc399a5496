import json

import pytest

from conditions.engine import Triage
from conditions.evaluation import (
    evaluate,
    evaluate_unsure,
    report_as_dict,
    report_lines,
    robustness_as_dict,
    robustness_lines,
    with_unstated_as_no,
)

from .kb_documents import hip_document, knowledge_base


def vignette(case_id, expected_top, expected_triage, acceptable=(), **answers):
    return {
        "id": case_id,
        "answers": {"sex": "female", "duration_weeks": None, "findings": {}, **answers},
        "expected_top": expected_top,
        "acceptable": list(acceptable),
        "expected_triage": expected_triage,
    }


RA = vignette(
    "ra",
    "rheumatoid_arthritis",
    "soon",
    age=30,
    findings={"small_joints": True, "morning_stiffness": True},
)
SEPTIC = vignette(
    "septic",
    "septic_arthritis",
    "emergency",
    age=30,
    findings={"fever": True, "unable_to_bear_weight": True},
)
OA_SELF_CARE = vignette(
    "oa", "osteoarthritis", "self_care", age=60, duration_weeks=1, findings={"pain_groin": True}
)


def test_a_case_ranked_and_triaged_as_expected_counts_everywhere():
    report = evaluate(knowledge_base(), [RA])
    assert (report.cases, report.top1, report.top3, report.triage_exact) == (1, 1.0, 1.0, 1.0)
    assert report.results[0].given_top[0] == "rheumatoid_arthritis"
    assert (report.under_triage, report.over_triage, report.emergency_missed) == (0, 0, 0)


def test_expected_condition_second_counts_for_top_3_but_not_top_1():
    case = vignette("oa2", "septic_arthritis", "self_care", age=60, duration_weeks=1)
    report = evaluate(knowledge_base(), [case])
    assert report.results[0].given_top[1] == "septic_arthritis"
    assert (report.top1, report.top3) == (0.0, 1.0)


def test_an_acceptable_condition_first_counts_as_acceptable_but_not_as_top_1():
    case = vignette(
        "oa3",
        "septic_arthritis",
        "self_care",
        acceptable=["osteoarthritis"],
        age=60,
        duration_weeks=1,
    )
    report = evaluate(knowledge_base(), [case])
    assert report.top1 == 0.0
    assert report.top1_acceptable == 1.0


def test_a_less_urgent_level_than_expected_is_under_triage():
    case = {**RA, "expected_triage": "urgent"}
    report = evaluate(knowledge_base(), [case, OA_SELF_CARE])
    assert report.under_triage == 1
    assert report.under_triage_rate == pytest.approx(0.5)
    assert report.over_triage == 0
    assert report.results[0].under_triage


def test_a_more_urgent_level_than_expected_is_over_triage():
    report = evaluate(knowledge_base(), [{**RA, "expected_triage": "routine"}])
    assert (report.under_triage, report.over_triage) == (0, 1)


def test_an_expected_emergency_given_anything_else_is_a_missed_emergency():
    report = evaluate(knowledge_base(), [SEPTIC, {**RA, "expected_triage": "emergency"}])
    assert report.emergency_missed == 1
    assert report.triage_by_level[Triage.EMERGENCY].exact == pytest.approx(0.5)
    assert report.triage_by_level[Triage.EMERGENCY].cases == 2


def test_triage_by_level_lists_only_the_levels_expected_somewhere():
    report = evaluate(knowledge_base(), [RA, OA_SELF_CARE])
    assert set(report.triage_by_level) == {Triage.SOON, Triage.SELF_CARE}


def test_a_case_naming_an_unknown_finding_is_reported_as_an_error_and_counts_as_a_failure():
    broken = vignette(
        "broken", "septic_arthritis", "emergency", age=30, findings={"third_eye": True}
    )
    report = evaluate(knowledge_base(), [RA, broken])
    row = report.results[1]
    assert row.error
    assert row.unknown_codes == ("third_eye",)
    assert (report.cases, report.errors) == (2, 1)
    assert report.top1 == pytest.approx(0.5)
    assert report.emergency_missed == 1
    assert any("ERROR" in line for line in report_lines(report))


def test_a_case_expecting_an_unknown_condition_is_assessed_and_the_code_reported():
    case = {**RA, "expected_top": "gout"}
    report = evaluate(knowledge_base(), [case])
    assert report.results[0].unknown_codes == ("gout",)
    assert report.results[0].error is None
    assert report.top1 == 0.0


def test_a_case_with_an_unknown_expected_level_is_an_error():
    report = evaluate(knowledge_base(), [{**RA, "expected_triage": "whenever"}])
    assert report.errors == 1


def test_report_renders_as_text_and_as_json():
    report = evaluate(knowledge_base(version=3), [RA, SEPTIC, OA_SELF_CARE])
    lines = report_lines(report)
    assert lines[0] == "Vignettes against knowledge base version 3"
    assert any(line.startswith("emergencies missed 0") for line in lines)
    as_dict = json.loads(json.dumps(report_as_dict(report)))
    assert as_dict["totals"]["cases"] == 3
    assert as_dict["totals"]["triage_by_level"]["emergency"] == {"cases": 1, "exact": 1.0}
    assert [case["id"] for case in as_dict["cases"]] == ["ra", "septic", "oa"]


def test_no_vignettes_give_an_empty_report():
    report = evaluate(knowledge_base(), [])
    assert (report.cases, report.top1, report.under_triage_rate) == (0, 0.0, 0.0)


# Robustness: answered findings changed to "not sure" (evaluate_unsure).

FOUR_ANSWERS = vignette(
    "four",
    "rheumatoid_arthritis",
    "soon",
    age=30,
    findings={"small_joints": True, "morning_stiffness": True, "fever": False, "limp": False},
)


def test_each_answered_finding_is_made_not_sure_in_turn():
    report = evaluate_unsure(knowledge_base(), [FOUR_ANSWERS], max_unsure=1)
    assert report.cases == 4
    assert [result.unsure for result in report.results] == [
        ("fever",),
        ("limp",),
        ("morning_stiffness",),
        ("small_joints",),
    ]


def test_up_to_two_findings_give_every_single_and_every_pair():
    n = 4
    report = evaluate_unsure(knowledge_base(), [FOUR_ANSWERS, RA], max_unsure=2)
    four = [result for result in report.results if result.id == "four"]
    assert len(four) == n + n * (n - 1) // 2
    assert len({result.unsure for result in four}) == len(four)
    assert len([result for result in report.results if result.id == "ra"]) == 2 + 1
    assert (report.vignettes, report.cases) == (2, 10 + 3)


def test_more_findings_made_not_sure_than_answered_stops_at_all_of_them():
    report = evaluate_unsure(knowledge_base(), [RA], max_unsure=5)
    assert [result.unsure for result in report.results] == [
        ("morning_stiffness",),
        ("small_joints",),
        ("morning_stiffness", "small_joints"),
    ]


def test_an_emergency_named_as_an_unanswered_warning_sign_is_caught_though_under_triaged():
    # Fever "not sure" with unable to bear weight: the fever rule is open, so the result names
    # it with its emergency level ("if you have a temperature, call 999").
    report = evaluate_unsure(knowledge_base(), [SEPTIC], max_unsure=1)
    fever_unsure = report.results[0]
    assert fever_unsure.unsure == ("fever",)
    assert fever_unsure.given_triage is not Triage.EMERGENCY
    assert [sign.rule for sign in fever_unsure.emergency_signs] == ["fever_unable_to_bear_weight"]
    assert fever_unsure.unsure_sign_named
    assert not fever_unsure.emergency_missed
    assert fever_unsure.under_triage
    assert (report.emergency_cases, report.emergency_missed, report.under_triage) == (2, 0, 1)


def test_an_emergency_lost_with_no_warning_sign_named_is_missed():
    # No red-flag rules: the child's emergency rests on septic arthritis ranking first; with
    # the temperature "not sure" transient synovitis (urgent) ranks first and nothing is named.
    without_rules = knowledge_base(hip_document(red_flag_rules=[]))
    child = vignette(
        "child",
        "septic_arthritis",
        "emergency",
        age=4,
        duration_weeks=0,
        findings={"fever": True, "limp": True},
    )
    assert evaluate(without_rules, [child]).emergency_missed == 0
    report = evaluate_unsure(without_rules, [child], max_unsure=1)
    fever_unsure, limp_unsure = report.results
    assert fever_unsure.unsure == ("fever",)
    assert fever_unsure.given_triage is Triage.URGENT
    assert fever_unsure.emergency_signs == ()
    assert fever_unsure.emergency_missed
    assert fever_unsure.emergency_missed_strict
    assert not limp_unsure.emergency_missed
    assert (report.emergency_missed, report.emergency_missed_rate) == (1, 0.5)
    assert report.failures == (fever_unsure,)
    lines = robustness_lines(report)
    assert any(
        line.startswith("child") and "EMERGENCY MISSED" in line and line.endswith("fever")
        for line in lines
    )
    worst = report.by_finding[0]
    assert (worst.finding, worst.cases, worst.under_triage, worst.emergency_missed) == (
        "fever",
        1,
        1,
        1,
    )


def test_under_and_over_triage_compare_the_perturbed_level_with_the_expected_one():
    # SEPTIC with fever "not sure" gives soon (under); RA expected routine stays soon (over).
    report = evaluate_unsure(
        knowledge_base(), [SEPTIC, {**RA, "expected_triage": "routine"}], max_unsure=2
    )
    levels = [(r.id, r.unsure, r.given_triage) for r in report.results if r.id == "septic"]
    assert levels == [
        ("septic", ("fever",), Triage.SOON),
        ("septic", ("unable_to_bear_weight",), Triage.EMERGENCY),
        ("septic", ("fever", "unable_to_bear_weight"), Triage.SOON),
    ]
    assert (report.cases, report.under_triage, report.over_triage) == (6, 2, 3)
    assert report.under_triage_rate == pytest.approx(2 / 6)
    assert report.over_triage_rate == pytest.approx(3 / 6)


def test_under_triage_already_there_as_answered_is_not_counted_as_caused_by_not_sure():
    # RA expected urgent is soon as answered: each of its 2 perturbed cases is under-triaged,
    # but "not sure" caused neither; SEPTIC's fever "not sure" caused its one.
    report = evaluate_unsure(
        knowledge_base(), [{**RA, "expected_triage": "urgent"}, SEPTIC], max_unsure=1
    )
    assert (report.cases, report.under_triage, report.under_triage_caused) == (4, 3, 1)
    assert report.under_triage_caused_rate == pytest.approx(1 / 4)
    caused = {r.unsure for r in report.results if r.under_triage_caused}
    assert caused == {("fever",)}
    first = report.by_finding[0]
    assert (first.finding, first.under_triage_caused) == ("fever", 1)
    assert any("UNDER as answered" in line for line in robustness_lines(report))


def test_a_vignette_that_cannot_be_assessed_is_skipped():
    broken = vignette("broken", "septic_arthritis", "emergency", age=30, findings={"x": True})
    report = evaluate_unsure(knowledge_base(), [broken, {**RA, "expected_triage": "later"}, RA])
    assert report.skipped == ("broken", "ra")
    assert (report.vignettes, report.cases) == (1, 2)


def test_at_least_one_finding_is_made_not_sure():
    with pytest.raises(ValueError, match="1 or more"):
        evaluate_unsure(knowledge_base(), [RA], max_unsure=0)


def test_robustness_totals_as_json_carry_the_perturbed_figures():
    report = evaluate_unsure(knowledge_base(), [SEPTIC, RA, OA_SELF_CARE], max_unsure=1)
    as_dict = json.loads(json.dumps(robustness_as_dict(report)))
    assert set(as_dict) == {
        "max_unsure",
        "vignettes",
        "skipped",
        "cases",
        "emergency_cases",
        "emergency_missed",
        "emergency_missed_rate",
        "emergency_missed_strict",
        "under_triage",
        "under_triage_rate",
        "under_triage_caused",
        "under_triage_caused_rate",
        "over_triage",
        "over_triage_rate",
        "under_triage_by_finding",
        "under_triage_caused_by_finding",
    }
    assert (as_dict["max_unsure"], as_dict["vignettes"], as_dict["cases"]) == (1, 3, 5)
    assert as_dict["under_triage_rate"] == pytest.approx(as_dict["under_triage"] / 5)
    assert as_dict["under_triage_by_finding"]["fever"] == 1


def test_calibration_is_the_brier_score_of_the_first_condition_and_the_expected_share():
    right = vignette(
        "ra", "rheumatoid_arthritis", "soon", age=30, findings=RA["answers"]["findings"]
    )
    wrong = vignette("oa2", "septic_arthritis", "self_care", age=60, duration_weeks=1)
    report = evaluate(knowledge_base(), [right, wrong])
    first_right, first_wrong = (result.given_probabilities[0] for result in report.results)
    # Right first: (p − 1)²; wrong first: p², averaged over the two cases.
    expected = ((first_right - 1) ** 2 + first_wrong**2) / 2
    assert report.brier_top1 == pytest.approx(expected)
    septic = report.results[1].expected_probability
    assert 0 < septic < first_wrong
    assert report.expected_at_least_plausible == (1.0 if septic >= 0.10 else 0.5)
    totals = report_as_dict(report)["totals"]
    assert totals["brier_top1"] == pytest.approx(expected)


def test_an_overconfident_wrong_first_condition_scores_worse_than_a_hesitant_one():
    hesitant = evaluate(knowledge_base(), [OA_SELF_CARE | {"expected_top": "septic_arthritis"}])
    assert 0 < hesitant.brier_top1 < 1
    assert hesitant.results[0].top1_brier == pytest.approx(
        hesitant.results[0].given_probabilities[0] ** 2
    )


# The person who knows their answers (--unstated no).


def test_unstated_answers_are_no_to_every_question_the_person_would_be_asked(
    seeded_knowledge_base,
):
    from conditions.engine import Answers

    child = Answers(age=8, sex="male", duration_weeks=2, findings={"limp": True})
    answered = with_unstated_as_no(seeded_knowledge_base, child).findings
    assert answered["limp"] is True  # what is stated stays
    assert answered["fever"] is False
    assert "alcohol_excess" not in answered  # never asked of a child
    assert "feels_hot_or_shivery" not in answered  # a follow-up, asked only after "not sure"
    follow_ups = set(seeded_knowledge_base.follow_ups.values())
    asked_of_an_8_year_old = {
        code
        for code, finding in seeded_knowledge_base.findings.items()
        if code not in follow_ups
        and (finding.min_age is None or finding.min_age <= 8)
        and (finding.max_age is None or finding.max_age >= 8)
    }
    assert set(answered) == asked_of_an_8_year_old
