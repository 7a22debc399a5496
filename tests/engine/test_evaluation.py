import json

import pytest

from conditions.engine import Triage
from conditions.evaluation import evaluate, report_as_dict, report_lines

from .kb_documents import knowledge_base


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
