"""What the result shows of an assessment (conditions/engine/explanation.py): the conditions that
fit and the answers that are reasons, by the scoring policy's thresholds."""

from __future__ import annotations

import math

import pytest

from conditions.engine import Contribution, DurationBin, ResultThresholds
from conditions.engine.explanation import Direction, Fit, fit_of, listed, noticeable_reasons

POLICY = ResultThresholds(
    fits_probability=0.10, fits_well_probability=0.40, reason_likelihood_ratio=2.0
)


def contribution(finding: str, answer, ratio: float) -> Contribution:
    return Contribution(finding, answer, math.log(ratio), ratio)


@pytest.mark.parametrize(
    ("probability", "fit"),
    [(0.40, Fit.WELL), (0.3999, Fit.PARTLY), (0.10, Fit.PARTLY), (0.0999, Fit.LITTLE)],
)
def test_how_well_a_condition_fits_follows_the_policy(probability, fit):
    assert fit_of(probability, POLICY) is fit


def test_listed_are_those_at_the_threshold_and_the_first_when_ahead_of_other_causes():
    ranking = [("a", 0.5), ("b", 0.10), ("c", 0.0999), ("d", 0.001)]
    assert [code for code, *_ in listed(ranking, 0.3, POLICY)] == ["a", "b"]
    # Below the threshold, the first is listed only when more likely than other causes.
    assert [code for code, *_ in listed([("a", 0.05), ("b", 0.01)], 0.04, POLICY)] == ["a"]
    assert listed([("a", 0.05), ("b", 0.01)], 0.92, POLICY) == []
    stricter = ResultThresholds(fits_probability=0.6, fits_well_probability=0.8)
    # Under a stricter policy only the first, ahead of other causes, fits (a little).
    assert listed(ranking, 0.3, stricter) == [("a", 0.5, Fit.LITTLE)]


def test_reasons_are_the_answers_that_move_the_condition_noticeably():
    contributions = [
        contribution("malar_rash", True, 8.0),
        contribution("morning_stiffness_over_30min", False, 0.5),  # exactly the inverse: a reason
        contribution("fever", False, 0.6),
        contribution("limp", True, 1.9),
        contribution("duration", DurationBin.FROM_12_WEEKS, 2.0),
        contribution("form", "enthesitis_related", 3.0),  # not an answer
    ]

    reasons = noticeable_reasons(contributions, POLICY)

    assert [(r.finding, r.answer, r.direction) for r in reasons] == [
        ("malar_rash", True, Direction.FOR),
        ("morning_stiffness_over_30min", False, Direction.AGAINST),
        ("duration", DurationBin.FROM_12_WEEKS, Direction.FOR),
    ]
    assert reasons[0].likelihood_ratio == pytest.approx(8.0)
    every = ResultThresholds(reason_likelihood_ratio=1.0)
    assert len(noticeable_reasons(contributions, every)) == 5
