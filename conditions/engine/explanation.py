"""What a result shows of an assessment, as structures (the words are the app's, not the engine's).

* The conditions that fit: a named condition is listed when it ranks first, or reaches the
  scoring policy's ``fits_probability``. "Ranks first" counts ``other_causes`` as a rival, as the
  triage does (triage_rules.py): a 3% condition behind 92% other causes is not listed, and the
  result says instead that nothing on the list fits clearly.
* How well it fits: ``Fit.WELL`` from ``fits_well_probability``, ``Fit.PARTLY`` from
  ``fits_probability``, ``Fit.LITTLE`` below (a condition that ranks first under the threshold).
* Its reasons: the answers (and the duration) that move it noticeably, those whose likelihood
  ratio is at least ``reason_likelihood_ratio`` (for it) or at most its inverse (against it),
  strongest first, each as (finding, answer, direction, likelihood ratio).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass

from .assessment import Assessment, Contribution, RankedCondition
from .knowledge import FORM_CODE, ResultThresholds
from .scoring import DurationBin


class Fit(enum.StrEnum):
    """How well a listed condition fits the answers."""

    WELL = "well"
    PARTLY = "partly"
    LITTLE = "little"


class Direction(enum.StrEnum):
    """Whether an answer makes a condition more or less likely."""

    FOR = "for"
    AGAINST = "against"


@dataclass(frozen=True, slots=True)
class Reason:
    """One answer that moves a condition noticeably.

    ``finding`` is a finding code, or ``"duration"`` with the duration bin as ``answer``;
    ``likelihood_ratio`` is its strength (above 1 for, below 1 against).
    """

    finding: str
    answer: bool | DurationBin
    direction: Direction
    likelihood_ratio: float


@dataclass(frozen=True, slots=True)
class FittingCondition:
    """A listed condition: its row of the ranking, how well it fits, and its reasons."""

    ranked: RankedCondition
    fit: Fit
    reasons: tuple[Reason, ...]
    # The code of the condition's form that fits best, for a condition of distinct forms.
    form: str | None = None

    @property
    def code(self) -> str:
        return self.ranked.code


def fit_of(probability: float, thresholds: ResultThresholds) -> Fit:
    """How well a condition at ``probability`` fits."""
    if probability >= thresholds.fits_well_probability:
        return Fit.WELL
    if probability >= thresholds.fits_probability:
        return Fit.PARTLY
    return Fit.LITTLE


def noticeable_reasons(
    contributions: Iterable[Contribution], thresholds: ResultThresholds
) -> tuple[Reason, ...]:
    """The contributions that move the condition noticeably, as reasons (in their order:
    strongest first). The line naming a condition's form is not an answer: it is left out."""
    # A tiny tolerance: a ratio of exactly 2 (or 0.5) counts, whatever the float rounding.
    limit = math.log(thresholds.reason_likelihood_ratio) - 1e-9
    reasons = []
    for contribution in contributions:
        strength = contribution.log_likelihood_ratio
        if contribution.finding == FORM_CODE or strength == 0.0 or abs(strength) < limit:
            continue
        reasons.append(
            Reason(
                finding=contribution.finding,
                answer=contribution.answer,
                direction=Direction.FOR if strength > 0 else Direction.AGAINST,
                likelihood_ratio=contribution.likelihood_ratio,
            )
        )
    return tuple(reasons)


def listed(
    ranking: Iterable[tuple[str, float]], other_causes: float, thresholds: ResultThresholds
) -> list[tuple[str, float, Fit]]:
    """(code, probability, fit) of the conditions to list, from a ranking of (code, probability)
    pairs, most likely first (a kept assessment's, or a new one's; see the module's docstring)."""
    chosen = []
    for position, (code, probability) in enumerate(ranking):
        if probability < thresholds.fits_probability and (
            position > 0 or probability < other_causes
        ):
            break  # ranked by probability: no later condition reaches the threshold either
        chosen.append((code, probability, fit_of(probability, thresholds)))
    return chosen


def form_that_fits_best(ranked: RankedCondition) -> str | None:
    """The code of the form that fits best, for a condition of distinct forms; else None."""
    return next((str(c.answer) for c in ranked.contributions if c.finding == FORM_CODE), None)


def conditions_that_fit(
    assessment: Assessment, thresholds: ResultThresholds
) -> tuple[FittingCondition, ...]:
    """The named conditions of ``assessment`` to list, with their reasons."""
    rows = {ranked.code: ranked for ranked in assessment.conditions.explained}
    ranking = ((ranked.code, ranked.probability) for ranked in assessment.conditions.explained)
    return tuple(
        FittingCondition(
            ranked=rows[code],
            fit=fit,
            reasons=noticeable_reasons(rows[code].contributions, thresholds),
            form=form_that_fits_best(rows[code]),
        )
        for code, _probability, fit in listed(ranking, assessment.other_causes, thresholds)
    )
