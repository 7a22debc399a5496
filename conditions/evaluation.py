"""Vignette metrics: how the engine ranks and triages a set of clinical vignettes.

Pure (no Django): ``evaluate`` takes a knowledge base and the vignettes as loaded from JSON
(vignettes/README.md describes them); ``report_lines`` and ``report_as_dict`` render the
result for the ``evaluate_vignettes`` command.

A case that cannot be assessed (malformed answers, finding codes the knowledge base does not
know) is kept as a row with its ``error`` and counts as a failure in top-1, top-3 and exact
triage, and as a missed emergency when one was expected; it counts in neither under- nor
over-triage, having no level. Condition codes the knowledge base does not know are listed in
``unknown_codes``; the case is still assessed (and cannot rank an unknown expected condition).

Robustness (triage-policy.md §3, "measure both sides"): ``evaluate_unsure`` re-assesses every
vignette with each combination of 1 to ``max_unsure`` of its answered findings changed to "not
sure" (left out of the findings; a follow-up the vignette did not answer stays unknown too, the
worst case). A vignette with n answered findings gives n perturbed cases at 1, n + n(n-1)/2 at 2.
A perturbed case expecting an emergency is *caught* when its level is emergency or when its
result names an unanswered warning sign whose level is emergency (the person is told "if …,
call 999"); otherwise it is a missed emergency. Under- and over-triage compare the level with
the expected one, as ``evaluate`` does, so an emergency caught only by a named sign still counts
as under-triage; under-triage is *caused* by "not sure" when the vignette as answered is not
under-triaged (a vignette under-triaged as answered would otherwise count once per finding).
Vignettes that cannot be assessed are skipped (``evaluate`` reports them).

What a vignette does not state is "not sure" (``Unstated.NOT_SURE``, the default); with
``Unstated.NO`` it is "no" to every question the person would be asked (within its age gates;
a follow-up is asked only after a "not sure"), for the full questionnaire and the interview
alike: the person who knows their answers (adaptive-interview.md §5's variant).
"""

from __future__ import annotations

import enum
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any

from conditions.engine import (
    AnswersError,
    KnowledgeBase,
    Triage,
    UnansweredWarningSign,
    answers_from_mapping,
    assess,
)
from conditions.engine.answers import UNKNOWN_FINDING_MESSAGE, Answers
from conditions.engine.interview import InterviewPolicy, askable_findings, simulate

TOP_N = 3
# The share of cases whose expected condition is at least this likely: the scoring policy's
# plausible_probability of the seeded knowledge base (10%), fixed here so that figures stay
# comparable across versions whatever a curator sets.
PLAUSIBLE_FOR_CALIBRATION = 0.10


class Unstated(enum.StrEnum):
    """How the simulated person answers what a vignette does not state."""

    NOT_SURE = "not-sure"
    NO = "no"


def with_unstated_as_no(knowledge_base: KnowledgeBase, answers: Answers) -> Answers:
    """``answers`` with "no" to every question the questionnaire would ask this person that they
    do not answer (findings within their age gates, follow-ups excepted)."""
    unstated = askable_findings(knowledge_base, answers, frozenset(answers.findings))
    return replace(answers, findings={**dict.fromkeys(unstated, False), **answers.findings})


@dataclass(frozen=True, slots=True)
class VignetteResult:
    """One vignette: what was expected, what the engine gave, and whether they agree."""

    id: str
    expected_top: str
    acceptable: tuple[str, ...]
    expected_triage: Triage | None
    given_top: tuple[str, ...]  # the first TOP_N named conditions
    given_probabilities: tuple[float, ...]
    given_triage: Triage | None
    # The posterior of the expected condition (0 when it is left out, e.g. by its age gate).
    expected_probability: float
    top1_ok: bool
    top1_acceptable: bool  # first is the expected condition or one of the acceptable ones
    top3_ok: bool  # the expected condition is in the first TOP_N
    triage_ok: bool
    under_triage: bool  # given level less urgent than expected
    over_triage: bool  # given level more urgent than expected
    error: str | None
    unknown_codes: tuple[str, ...]
    # With the adaptive interview: the questions asked (age, sex and duration included).
    questions: int | None = None

    @property
    def emergency_missed(self) -> bool:
        """An emergency was expected and the engine gave anything else (or nothing)."""
        return (
            self.expected_triage is Triage.EMERGENCY and self.given_triage is not Triage.EMERGENCY
        )

    @property
    def top1_brier(self) -> float | None:
        """(probability of the first condition − 1 if it is the expected one, else 0)²."""
        if not self.given_probabilities:
            return None
        return (self.given_probabilities[0] - (1.0 if self.top1_ok else 0.0)) ** 2


@dataclass(frozen=True, slots=True)
class LevelTotals:
    """Cases expected at one triage level and the share given exactly that level."""

    cases: int
    exact: float


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Per-case rows and totals; fractions are within 0–1, over all cases."""

    knowledge_base_version: int
    results: tuple[VignetteResult, ...]
    cases: int
    errors: int
    top1: float
    top1_acceptable: float
    top3: float
    triage_exact: float
    under_triage: int
    over_triage: int
    emergency_missed: int
    triage_by_level: Mapping[Triage, LevelTotals]
    # Calibration (issue 15): a sharper ranking bought by overconfidence shows here.
    brier_top1: float  # mean squared error of the first condition's probability, 0 best
    expected_at_least_plausible: float  # share of cases with the expected condition at ≥ 10%
    # With the adaptive interview: questions asked per case (None for the full questionnaire).
    questions_median: float | None = None
    questions_p90: float | None = None
    unstated: Unstated = Unstated.NOT_SURE

    @property
    def under_triage_rate(self) -> float:
        """Under-triaged cases as a fraction of all cases."""
        return self.under_triage / self.cases if self.cases else 0.0

    @property
    def over_triage_rate(self) -> float:
        """Over-triaged cases as a fraction of all cases."""
        return self.over_triage / self.cases if self.cases else 0.0


def evaluate(
    knowledge_base: KnowledgeBase,
    vignettes: Sequence[Mapping[str, Any]],
    *,
    interview: InterviewPolicy | None = None,
    unstated: Unstated = Unstated.NOT_SURE,
) -> EvaluationReport:
    """Assess every vignette and compare with its expected top condition and triage level.

    With ``interview``, each vignette is a simulated person going through the adaptive
    interview (``interview.simulate``: answers from the vignette, ``unstated`` to what it does
    not state), and the questions asked are counted.
    """
    results = tuple(
        _evaluate_one(knowledge_base, vignette, interview, unstated) for vignette in vignettes
    )
    asked = sorted(r.questions for r in results if r.questions is not None)
    cases = len(results)

    def share(flags: Sequence[bool]) -> float:
        return sum(flags) / len(flags) if flags else 0.0

    by_level = {}
    for level in Triage:
        expected_here = [result for result in results if result.expected_triage is level]
        if expected_here:
            by_level[level] = LevelTotals(
                cases=len(expected_here), exact=share([r.triage_ok for r in expected_here])
            )
    return EvaluationReport(
        knowledge_base_version=knowledge_base.version,
        results=results,
        cases=cases,
        errors=sum(result.error is not None for result in results),
        top1=share([r.top1_ok for r in results]),
        top1_acceptable=share([r.top1_acceptable for r in results]),
        top3=share([r.top3_ok for r in results]),
        triage_exact=share([r.triage_ok for r in results]),
        under_triage=sum(r.under_triage for r in results),
        over_triage=sum(r.over_triage for r in results),
        emergency_missed=sum(r.emergency_missed for r in results),
        triage_by_level=by_level,
        brier_top1=_mean([r.top1_brier for r in results if r.top1_brier is not None]),
        expected_at_least_plausible=share(
            [r.expected_probability >= PLAUSIBLE_FOR_CALIBRATION for r in results]
        ),
        questions_median=statistics.median(asked) if asked else None,
        questions_p90=_nearest_rank(asked, 0.9) if asked else None,
        unstated=unstated,
    )


def _nearest_rank(ordered: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted values (the smallest value with ≥ fraction below)."""
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values) if values else 0.0


def _evaluate_one(
    knowledge_base: KnowledgeBase,
    vignette: Mapping[str, Any],
    interview: InterviewPolicy | None = None,
    unstated: Unstated = Unstated.NOT_SURE,
) -> VignetteResult:
    case_id = str(vignette.get("id", "?"))
    expected_top = str(vignette.get("expected_top", ""))
    acceptable = tuple(str(code) for code in vignette.get("acceptable") or ())
    unknown = [
        code for code in (expected_top, *acceptable) if not knowledge_base.has_condition(code)
    ]
    problems = []
    try:
        expected_triage: Triage | None = Triage(vignette.get("expected_triage"))
    except ValueError:
        expected_triage = None
        problems.append(f"expected_triage: not a level: {vignette.get('expected_triage')!r}")
    try:
        answers = answers_from_mapping(vignette.get("answers"), knowledge_base=knowledge_base)
    except AnswersError as error:
        answers = None
        unknown += [
            name.removeprefix("findings.")
            for name, message in error.errors.items()
            if name.startswith("findings.") and message == UNKNOWN_FINDING_MESSAGE
        ]
        problems.append(str(error))

    if answers is None or problems:
        return VignetteResult(
            id=case_id,
            expected_top=expected_top,
            acceptable=acceptable,
            expected_triage=expected_triage,
            given_top=(),
            given_probabilities=(),
            given_triage=None,
            expected_probability=0.0,
            top1_ok=False,
            top1_acceptable=False,
            top3_ok=False,
            triage_ok=False,
            under_triage=False,
            over_triage=False,
            error="; ".join(problems),
            unknown_codes=tuple(unknown),
        )

    if unstated is Unstated.NO:
        answers = with_unstated_as_no(knowledge_base, answers)
    questions = None
    if interview is None:
        assessment = assess(knowledge_base, answers)
    else:
        assessment, pages, _reason = simulate(knowledge_base, answers, interview)
        questions = interview.opening_questions + sum(len(page) for page in pages)
    first = assessment.conditions[:TOP_N]
    given_top = tuple(condition.code for condition in first)
    given = assessment.triage
    return VignetteResult(
        id=case_id,
        expected_top=expected_top,
        acceptable=acceptable,
        expected_triage=expected_triage,
        given_top=given_top,
        given_probabilities=tuple(condition.probability for condition in first),
        given_triage=given,
        expected_probability=next(
            (row.probability for row in assessment.conditions if row.code == expected_top), 0.0
        ),
        top1_ok=given_top[:1] == (expected_top,),
        top1_acceptable=bool(given_top) and given_top[0] in (expected_top, *acceptable),
        top3_ok=expected_top in given_top,
        triage_ok=given == expected_triage,
        under_triage=expected_triage.is_more_urgent_than(given),
        over_triage=given.is_more_urgent_than(expected_triage),
        error=None,
        unknown_codes=tuple(unknown),
        questions=questions,
    )


def report_lines(report: EvaluationReport) -> list[str]:
    """The report as plain-text lines: one per case, then the totals."""
    lines = [f"Vignettes against knowledge base version {report.knowledge_base_version}"]
    lines.append(
        f"{'case':<10} {'expected top':<34} {'top1':<5} {'top3':<5} "
        f"{'expected':<10} {'given':<10} {'triage':<7} given top {TOP_N}"
    )
    for result in report.results:
        if result.error is not None:
            lines.append(f"{result.id:<10} ERROR {result.error}")
            continue
        given = ", ".join(
            f"{code} {probability:.0%}"
            for code, probability in zip(result.given_top, result.given_probabilities, strict=True)
        )
        triage_mark = "ok" if result.triage_ok else ("UNDER" if result.under_triage else "over")
        lines.append(
            f"{result.id:<10} {result.expected_top:<34} {_mark(result.top1_ok):<5} "
            f"{_mark(result.top3_ok):<5} {result.expected_triage!s:<10} "
            f"{result.given_triage!s:<10} {triage_mark:<7} {given}"
        )
        if result.unknown_codes:
            lines.append(f"{'':<10} unknown codes: {', '.join(result.unknown_codes)}")
    lines += [
        "",
        f"cases {report.cases}, errors {report.errors}"
        + ("; unstated answers: no" if report.unstated is Unstated.NO else ""),
        f"top-1 {report.top1:.1%} (expected or acceptable first: {report.top1_acceptable:.1%})",
        f"top-3 {report.top3:.1%}",
        f"triage exact {report.triage_exact:.1%}",
        f"under-triage {report.under_triage} ({report.under_triage_rate:.1%}), "
        f"over-triage {report.over_triage} ({report.over_triage_rate:.1%})",
        f"emergencies missed {report.emergency_missed}",
        f"calibration: Brier score of the first condition {report.brier_top1:.3f}, "
        f"expected condition at {PLAUSIBLE_FOR_CALIBRATION:.0%} or more in "
        f"{report.expected_at_least_plausible:.1%}",
        *(
            [
                f"questions asked (adaptive interview): median {report.questions_median:g}, "
                f"90th percentile {report.questions_p90:g}"
            ]
            if report.questions_median is not None
            else []
        ),
        "exact triage by expected level: "
        + ", ".join(
            f"{level} {totals.exact:.0%} of {totals.cases}"
            for level, totals in report.triage_by_level.items()
        ),
    ]
    return lines


def report_as_dict(report: EvaluationReport) -> dict[str, Any]:
    """The report as JSON-ready data (strings, numbers, lists, dicts)."""
    return {
        "knowledge_base_version": report.knowledge_base_version,
        "totals": {
            "cases": report.cases,
            "errors": report.errors,
            "top1": report.top1,
            "top1_acceptable": report.top1_acceptable,
            "top3": report.top3,
            "triage_exact": report.triage_exact,
            "under_triage": report.under_triage,
            "under_triage_rate": report.under_triage_rate,
            "over_triage": report.over_triage,
            "over_triage_rate": report.over_triage_rate,
            "emergency_missed": report.emergency_missed,
            "brier_top1": report.brier_top1,
            "expected_at_least_plausible": report.expected_at_least_plausible,
            "questions_median": report.questions_median,
            "questions_p90": report.questions_p90,
            "unstated": str(report.unstated),
            "triage_by_level": {
                str(level): {"cases": totals.cases, "exact": totals.exact}
                for level, totals in report.triage_by_level.items()
            },
        },
        "cases": [
            {
                "id": result.id,
                "expected_top": result.expected_top,
                "acceptable": list(result.acceptable),
                "expected_triage": None
                if result.expected_triage is None
                else str(result.expected_triage),
                "given_top": list(result.given_top),
                "given_probabilities": list(result.given_probabilities),
                "given_triage": None if result.given_triage is None else str(result.given_triage),
                "expected_probability": result.expected_probability,
                "questions": result.questions,
                "top1_ok": result.top1_ok,
                "top1_acceptable": result.top1_acceptable,
                "top3_ok": result.top3_ok,
                "triage_ok": result.triage_ok,
                "under_triage": result.under_triage,
                "over_triage": result.over_triage,
                "emergency_missed": result.emergency_missed,
                "error": result.error,
                "unknown_codes": list(result.unknown_codes),
            }
            for result in report.results
        ],
    }


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISS"


@dataclass(frozen=True, slots=True)
class PerturbedResult:
    """One vignette assessed with some of its answered findings changed to "not sure"."""

    id: str
    unsure: tuple[str, ...]  # the findings made "not sure", in code order
    expected_triage: Triage
    given_triage: Triage
    base_triage: Triage  # the level of the vignette as answered
    # The unanswered warning signs named on the result whose level is emergency.
    emergency_signs: tuple[UnansweredWarningSign, ...]
    # Every finding made "not sure" may be answered "not sure" in the questionnaire (the warning
    # signs people know, such as a fall, are asked yes / no there; the API accepts any gap).
    questionnaire_allows: bool

    @property
    def under_triage(self) -> bool:
        """The level given is less urgent than the one expected."""
        return self.expected_triage.is_more_urgent_than(self.given_triage)

    @property
    def under_triage_caused(self) -> bool:
        """Under-triaged, while the vignette as answered is not: "not sure" caused it."""
        return self.under_triage and not self.expected_triage.is_more_urgent_than(self.base_triage)

    @property
    def over_triage(self) -> bool:
        """The level given is more urgent than the one expected."""
        return self.given_triage.is_more_urgent_than(self.expected_triage)

    @property
    def emergency_sign_named(self) -> bool:
        """The result names an unanswered warning sign whose level is emergency."""
        return bool(self.emergency_signs)

    @property
    def unsure_sign_named(self) -> bool:
        """A named emergency sign asks about one of the findings made "not sure"."""
        return any(code in self.unsure for sign in self.emergency_signs for code in sign.findings)

    @property
    def emergency_missed(self) -> bool:
        """An emergency was expected, and neither given nor named as an unanswered sign."""
        return (
            self.expected_triage is Triage.EMERGENCY
            and self.given_triage is not Triage.EMERGENCY
            and not self.emergency_sign_named
        )

    @property
    def emergency_missed_strict(self) -> bool:
        """As ``emergency_missed``, but only a named sign on a finding made "not sure" catches
        it: a sign the vignette never answered (numbness in the saddle area, say) is named on
        nearly every result and says nothing about the answer that was taken away."""
        return (
            self.expected_triage is Triage.EMERGENCY
            and self.given_triage is not Triage.EMERGENCY
            and not self.unsure_sign_named
        )


@dataclass(frozen=True, slots=True)
class FindingRobustness:
    """How the perturbed cases with one finding among those made "not sure" fared."""

    finding: str
    cases: int
    under_triage: int
    emergency_missed: int
    under_triage_caused: int  # under-triaged only because of "not sure"


@dataclass(frozen=True, slots=True)
class RobustnessReport:
    """Every perturbed case, and totals over them; fractions are of the perturbed cases."""

    max_unsure: int
    vignettes: int  # vignettes perturbed
    skipped: tuple[str, ...]  # ids of vignettes that could not be assessed
    results: tuple[PerturbedResult, ...]

    @property
    def cases(self) -> int:
        """Perturbed cases assessed."""
        return len(self.results)

    @property
    def emergency_cases(self) -> int:
        """Perturbed cases whose vignette expects an emergency."""
        return sum(result.expected_triage is Triage.EMERGENCY for result in self.results)

    @property
    def emergency_missed(self) -> int:
        return sum(result.emergency_missed for result in self.results)

    @property
    def emergency_missed_strict(self) -> int:
        return sum(result.emergency_missed_strict for result in self.results)

    @property
    def under_triage(self) -> int:
        return sum(result.under_triage for result in self.results)

    @property
    def under_triage_caused(self) -> int:
        return sum(result.under_triage_caused for result in self.results)

    @property
    def over_triage(self) -> int:
        return sum(result.over_triage for result in self.results)

    @property
    def emergency_missed_rate(self) -> float:
        """Missed emergencies as a fraction of the perturbed cases expecting an emergency."""
        return self.emergency_missed / self.emergency_cases if self.emergency_cases else 0.0

    @property
    def under_triage_rate(self) -> float:
        return self.under_triage / self.cases if self.cases else 0.0

    @property
    def under_triage_caused_rate(self) -> float:
        return self.under_triage_caused / self.cases if self.cases else 0.0

    @property
    def over_triage_rate(self) -> float:
        return self.over_triage / self.cases if self.cases else 0.0

    @property
    def failures(self) -> tuple[PerturbedResult, ...]:
        """The missed emergencies and under-triaged cases, in vignette order."""
        return tuple(r for r in self.results if r.emergency_missed or r.under_triage)

    @property
    def by_finding(self) -> tuple[FindingRobustness, ...]:
        """Per finding made "not sure": its cases, the most under-triage it caused first (then
        the most under-triage, then missed emergencies)."""
        rows: dict[str, list[int]] = {}
        for result in self.results:
            for code in result.unsure:
                row = rows.setdefault(code, [0, 0, 0, 0])
                row[0] += 1
                row[1] += result.under_triage
                row[2] += result.emergency_missed
                row[3] += result.under_triage_caused
        ordered = sorted(
            rows.items(), key=lambda item: (-item[1][3], -item[1][1], -item[1][2], item[0])
        )
        return tuple(
            FindingRobustness(code, cases, under_triage, missed, caused)
            for code, (cases, under_triage, missed, caused) in ordered
        )


def evaluate_unsure(
    knowledge_base: KnowledgeBase, vignettes: Sequence[Mapping[str, Any]], max_unsure: int = 1
) -> RobustnessReport:
    """Re-assess every vignette with each combination of 1 to ``max_unsure`` of its answered
    findings changed to "not sure" (the module docstring says how the cases are counted)."""
    if max_unsure < 1:
        raise ValueError("max_unsure must be 1 or more")
    results: list[PerturbedResult] = []
    skipped: list[str] = []
    perturbed = 0
    for vignette in vignettes:
        case_id = str(vignette.get("id", "?"))
        try:
            expected = Triage(vignette.get("expected_triage"))
            answers = answers_from_mapping(vignette.get("answers"), knowledge_base=knowledge_base)
        except (ValueError, AnswersError):
            skipped.append(case_id)
            continue
        perturbed += 1
        base_triage = assess(knowledge_base, answers).triage
        answered = tuple(answers.findings)  # in code order
        for size in range(1, min(max_unsure, len(answered)) + 1):
            for unsure in combinations(answered, size):
                findings = {
                    code: value for code, value in answers.findings.items() if code not in unsure
                }
                assessment = assess(knowledge_base, replace(answers, findings=findings))
                results.append(
                    PerturbedResult(
                        id=case_id,
                        unsure=unsure,
                        expected_triage=expected,
                        given_triage=assessment.triage,
                        base_triage=base_triage,
                        emergency_signs=tuple(
                            sign
                            for sign in assessment.unanswered_warning_signs
                            if sign.urgency is Triage.EMERGENCY
                        ),
                        questionnaire_allows=all(
                            knowledge_base.findings[code].allows_not_sure for code in unsure
                        ),
                    )
                )
    return RobustnessReport(
        max_unsure=max_unsure, vignettes=perturbed, skipped=tuple(skipped), results=tuple(results)
    )


def robustness_lines(report: RobustnessReport) -> list[str]:
    """The robustness report as plain-text lines: totals, failures, then findings by harm."""
    skipped = f", skipped (cannot be assessed): {', '.join(report.skipped)}"
    lines = [
        "",
        f"Robustness: up to {report.max_unsure} answered finding(s) changed to 'not sure'",
        f"vignettes {report.vignettes}, perturbed cases {report.cases}"
        + (skipped if report.skipped else ""),
        f"emergencies missed {report.emergency_missed} of {report.emergency_cases} "
        f"({report.emergency_missed_rate:.1%}); counting as caught only a named emergency sign "
        f"on a finding made 'not sure': {report.emergency_missed_strict}",
        f"under-triage {report.under_triage} ({report.under_triage_rate:.1%}), "
        f"over-triage {report.over_triage} ({report.over_triage_rate:.1%})",
        f"under-triage caused by 'not sure' (the vignette as answered is not under-triaged) "
        f"{report.under_triage_caused} ({report.under_triage_caused_rate:.1%})",
    ]
    failures = report.failures
    if failures:
        lines += [
            "",
            "Missed emergencies and under-triage (* asked yes / no in the questionnaire: "
            "'not sure' only through the API):",
            f"{'case':<10} {'expected':<10} {'given':<10} {'result':<18} made 'not sure'",
        ]
        for result in failures:
            if result.emergency_missed:
                mark = "EMERGENCY MISSED"
            elif result.expected_triage is Triage.EMERGENCY and result.unsure_sign_named:
                mark = "UNDER, 999 named"
            elif result.expected_triage is Triage.EMERGENCY:
                mark = "UNDER, other 999"  # caught only by a sign on another finding
            elif not result.under_triage_caused:
                mark = "UNDER as answered"
            else:
                mark = "UNDER"
            line = (
                f"{result.id:<10} {result.expected_triage!s:<10} {result.given_triage!s:<10} "
                f"{mark:<18} {', '.join(result.unsure)}"
                + ("" if result.questionnaire_allows else " *")
            )
            if result.expected_triage is Triage.EMERGENCY and result.emergency_signs:
                line += " (named: " + ", ".join(s.rule for s in result.emergency_signs) + ")"
            lines.append(line)
    harmful = [row for row in report.by_finding if row.under_triage or row.emergency_missed]
    lines += [
        "",
        "Findings whose 'not sure' causes under-triage, most first "
        "(of the cases with that finding 'not sure'):",
    ]
    if not harmful:
        lines.append("none")
    for row in harmful:
        lines.append(
            f"{row.finding:<36} caused {row.under_triage_caused}, "
            f"under-triage {row.under_triage} of {row.cases}, "
            f"emergencies missed {row.emergency_missed}"
        )
    return lines


def robustness_as_dict(report: RobustnessReport) -> dict[str, Any]:
    """The robustness totals as JSON-ready data (the ``unsure`` key of the command's JSON line):
    the cases listed by ``robustness_lines`` are left out, to keep that line short."""
    return {
        "max_unsure": report.max_unsure,
        "vignettes": report.vignettes,
        "skipped": list(report.skipped),
        "cases": report.cases,
        "emergency_cases": report.emergency_cases,
        "emergency_missed": report.emergency_missed,
        "emergency_missed_rate": report.emergency_missed_rate,
        "emergency_missed_strict": report.emergency_missed_strict,
        "under_triage": report.under_triage,
        "under_triage_rate": report.under_triage_rate,
        "under_triage_caused": report.under_triage_caused,
        "under_triage_caused_rate": report.under_triage_caused_rate,
        "over_triage": report.over_triage,
        "over_triage_rate": report.over_triage_rate,
        "under_triage_by_finding": {
            row.finding: row.under_triage for row in report.by_finding if row.under_triage
        },
        "under_triage_caused_by_finding": {
            row.finding: row.under_triage_caused
            for row in report.by_finding
            if row.under_triage_caused
        },
    }
