"""A finding that implies another (stiff over an hour → stiff over 30 minutes) is counted once."""

import math

import pytest

from conditions.engine import KnowledgeBaseError, assess

from .kb_documents import answers, condition, document, evidence, finding, knowledge_base
from .kb_documents import other_causes as other_causes_class

LONG, SHORT = "stiff_over_60", "stiff_over_30"


def stiffness_document(**long_overrides):
    return document(
        findings=[
            finding(LONG, adult=0.08, implies=SHORT, **long_overrides),
            finding(SHORT, adult=0.20),
        ],
        conditions=[
            condition(
                "inflammatory",
                {"16-49": 0.1},
                [evidence(LONG, 0.6), evidence(SHORT, 0.8)],
            ),
            condition("mechanical", {"16-49": 0.3}, [evidence(LONG, 0.05), evidence(SHORT, 0.15)]),
            other_causes_class([evidence(LONG, 0.02), evidence(SHORT, 0.08)]),
        ],
    )


def scores(**findings):
    assessment = assess(knowledge_base(stiffness_document()), answers(age=30, **findings))
    return {ranked.code: ranked.score for ranked in assessment.conditions}


def test_a_yes_to_the_stronger_finding_makes_the_implied_yes_add_nothing():
    assert scores(stiff_over_60=True, stiff_over_30=True) == scores(stiff_over_60=True)


def test_a_no_to_the_weaker_finding_makes_the_stronger_no_add_nothing():
    assert scores(stiff_over_60=False, stiff_over_30=False) == scores(stiff_over_30=False)


def test_stiff_for_30_but_not_60_minutes_counts_the_share_in_between():
    given = scores(stiff_over_60=False, stiff_over_30=True)
    unknown = scores()
    # P(30 and not 60 | c) / P(30 and not 60 | all hip pain), against a blank slate.
    expected_ratio = (0.8 - 0.6) / (0.20 - 0.08)
    assert given["inflammatory"] - unknown["inflammatory"] == pytest.approx(
        math.log(expected_ratio)
    )


def test_the_explanation_names_real_findings_and_still_adds_up():
    assessment = assess(
        knowledge_base(stiffness_document()),
        answers(age=30, stiff_over_60=False, stiff_over_30=True),
    )
    for ranked in assessment.conditions:
        assert {c.finding for c in ranked.contributions} <= {LONG, SHORT}
        total = ranked.log_prior + sum(c.log_likelihood_ratio for c in ranked.contributions)
        assert total == pytest.approx(ranked.score, abs=1e-9)


def test_an_implication_of_an_unknown_finding_is_refused():
    source = stiffness_document()
    source["findings"][0]["implies"] = "not_a_finding"
    with pytest.raises(KnowledgeBaseError, match="implies unknown finding"):
        knowledge_base(source)
