"""The bench's comparison: a draft and the published knowledge base run over the same vignettes.

Pure (no Django, no ORM): ``compare_knowledge_bases`` takes two engine snapshots (the published
one None before the first publish) and the vignettes as mappings in the file format
(vignettes/README.md), and returns a ``BenchComparison``. The counting is
``conditions.evaluation.evaluate``'s; this module sets the two reports side by side, finds the
cases whose first condition or urgency changed, and says whether the draft is less safe.

**Less safe** (``worsens_safety``): the draft misses more emergencies or under-triages more cases
than the published version, or misses an emergency or under-triages a case that the published
version did not (the same count can hide a new miss); with nothing published, it misses any
emergency. A draft that cannot be run cannot show it is safe: it counts as less safe too.

**Better or worse**, for a changed case: the urgency decides first, because it is the safety
figure (from worst: not assessed, emergency missed, under-triaged, over-triaged, exact; within
one of these, more levels away is worse); when the urgency fares the same, the ranking decides
(expected condition first, an acceptable one first, the expected one in the top three, neither).
A case that fares the same on both is changed, neither better nor worse.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from conditions.engine import KnowledgeBase, Triage
from conditions.evaluation import EvaluationReport, VignetteResult, evaluate

Verdict = Literal["better", "worse", "neither"]
Change = Literal["better", "worse", "same", ""]

NARRATIVE_EXCERPT = 140
NOT_RUN = "—"


@dataclass(frozen=True, slots=True)
class BenchFigures:
    """One version's figures over the active vignettes; fractions within 0–1."""

    cases: int
    errors: int  # cases that could not be assessed (a code this version does not know)
    top1: float
    top1_cases: int
    top3: float
    top3_cases: int
    triage_exact: float
    triage_exact_cases: int
    under_triage: int
    under_triage_rate: float
    emergency_cases: int  # cases expecting an emergency
    emergency_missed: int

    @classmethod
    def from_report(cls, report: EvaluationReport) -> BenchFigures:
        emergencies = report.triage_by_level.get(Triage.EMERGENCY)
        return cls(
            cases=report.cases,
            errors=report.errors,
            top1=report.top1,
            top1_cases=round(report.top1 * report.cases),
            top3=report.top3,
            top3_cases=round(report.top3 * report.cases),
            triage_exact=report.triage_exact,
            triage_exact_cases=round(report.triage_exact * report.cases),
            under_triage=report.under_triage,
            under_triage_rate=report.under_triage_rate,
            emergency_cases=emergencies.cases if emergencies else 0,
            emergency_missed=report.emergency_missed,
        )


@dataclass(frozen=True, slots=True)
class BenchRow:
    """One figure for both versions. Unpacks as ``(label, draft, published)``, the values
    formatted for display; ``draft_value`` and ``published_value`` are the raw numbers (None
    where a version was not run), ``change`` says how the draft fares against the published
    version on this figure ("better", "worse", "same", or "" when there is nothing to compare)."""

    key: str
    label: str
    draft: str
    published: str
    draft_value: float | int | None
    published_value: float | int | None
    change: Change

    def __iter__(self) -> Iterator[str]:
        return iter((self.label, self.draft, self.published))


@dataclass(frozen=True, slots=True)
class ChangedCase:
    """A case whose first condition or urgency differs between the published version and the
    draft. Conditions are codes; levels are the Triage values; None where not assessed."""

    code: str
    narrative: str  # an excerpt
    expected_top: str
    expected_triage: str | None
    published_top: str | None
    published_triage: str | None
    draft_top: str | None
    draft_triage: str | None
    verdict: Verdict
    why: str  # in plain words: what got better or worse

    @property
    def top_changed(self) -> bool:
        return self.published_top != self.draft_top

    @property
    def triage_changed(self) -> bool:
        return self.published_triage != self.draft_triage


@dataclass(frozen=True, slots=True)
class BenchComparison:
    """The draft and the published version over the active vignettes, side by side.

    ``draft_problems`` is empty when the draft could be run; otherwise it says why not, the
    draft's figures are None and ``worsens_safety`` is True. ``published`` is None when nothing
    is published (or the published version could not be run: ``published_problems``).
    """

    rows: tuple[BenchRow, ...]
    changed_cases: tuple[ChangedCase, ...]
    worsens_safety: bool
    safety_reasons: tuple[str, ...]  # why the draft is less safe, one sentence each
    draft: BenchFigures | None
    published: BenchFigures | None
    vignettes: int = 0  # the active vignettes run
    draft_problems: tuple[str, ...] = ()
    published_problems: tuple[str, ...] = ()
    elapsed_ms: float = 0.0
    # The cases the draft under-triages (a missed emergency included), in vignette order.
    draft_under_triaged: tuple[str, ...] = field(default=())

    @property
    def draft_runs(self) -> bool:
        """Whether the draft could be built and run over the vignettes."""
        return not self.draft_problems

    @property
    def has_published(self) -> bool:
        return self.published is not None

    @property
    def worse_cases(self) -> tuple[ChangedCase, ...]:
        return tuple(case for case in self.changed_cases if case.verdict == "worse")

    @property
    def better_cases(self) -> tuple[ChangedCase, ...]:
        return tuple(case for case in self.changed_cases if case.verdict == "better")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (strings, numbers, booleans, None, lists, dicts): to store with a version."""
        return {
            "vignettes": self.vignettes,
            "worsens_safety": self.worsens_safety,
            "safety_reasons": list(self.safety_reasons),
            "draft_problems": list(self.draft_problems),
            "published_problems": list(self.published_problems),
            "elapsed_ms": round(self.elapsed_ms, 1),
            "rows": [asdict(row) for row in self.rows],
            "draft": None if self.draft is None else asdict(self.draft),
            "published": None if self.published is None else asdict(self.published),
            "changed_cases": [
                {
                    **asdict(case),
                    "top_changed": case.top_changed,
                    "triage_changed": case.triage_changed,
                }
                for case in self.changed_cases
            ],
            "draft_under_triaged": list(self.draft_under_triaged),
        }


def compare_knowledge_bases(
    draft: KnowledgeBase,
    published: KnowledgeBase | None,
    vignettes: Sequence[Mapping[str, Any]],
    *,
    published_problems: Sequence[str] = (),
) -> BenchComparison:
    """Run both versions over ``vignettes`` and set their figures side by side."""
    draft_report = evaluate(draft, vignettes)
    published_report = None if published is None else evaluate(published, vignettes)
    draft_figures = BenchFigures.from_report(draft_report)
    published_figures = (
        None if published_report is None else BenchFigures.from_report(published_report)
    )
    narratives = {str(v.get("id", "?")): str(v.get("narrative") or "") for v in vignettes}
    changed: list[ChangedCase] = []
    if published_report is not None:
        for before, after in zip(published_report.results, draft_report.results, strict=True):
            if _first(before) != _first(after) or before.given_triage != after.given_triage:
                changed.append(_changed_case(before, after, narratives.get(after.id, "")))
    order = {"worse": 0, "neither": 1, "better": 2}
    changed.sort(key=lambda case: order[case.verdict])  # stable: vignette order within
    reasons = _safety_reasons(draft_report, published_report)
    return BenchComparison(
        rows=_rows(draft_figures, published_figures),
        changed_cases=tuple(changed),
        worsens_safety=bool(reasons),
        safety_reasons=tuple(reasons),
        draft=draft_figures,
        published=published_figures,
        vignettes=len(vignettes),
        published_problems=tuple(published_problems),
        draft_under_triaged=tuple(r.id for r in draft_report.results if _under_triaged(r)),
    )


def draft_not_run(
    draft_problems: Sequence[str],
    published: KnowledgeBase | None,
    vignettes: Sequence[Mapping[str, Any]],
    *,
    published_problems: Sequence[str] = (),
) -> BenchComparison:
    """The comparison of a draft that cannot be built: the published figures alone, and why."""
    published_figures = (
        None if published is None else BenchFigures.from_report(evaluate(published, vignettes))
    )
    problems = tuple(draft_problems) or ("The draft cannot be built.",)
    return BenchComparison(
        rows=_rows(None, published_figures),
        changed_cases=(),
        worsens_safety=True,
        safety_reasons=(
            "The draft cannot be run over the vignettes, so it cannot show that it is safe: "
            + problems[0],
        ),
        draft=None,
        published=published_figures,
        vignettes=len(vignettes),
        draft_problems=problems,
        published_problems=tuple(published_problems),
    )


# --- Rows ---


def _rows(draft: BenchFigures | None, published: BenchFigures | None) -> tuple[BenchRow, ...]:
    def row(
        key: str,
        label: str,
        value: str,
        display,
        higher_is_better: bool | None,
    ) -> BenchRow:
        draft_value = None if draft is None else getattr(draft, value)
        published_value = None if published is None else getattr(published, value)
        return BenchRow(
            key=key,
            label=label,
            draft=NOT_RUN if draft is None else display(draft),
            published=NOT_RUN if published is None else display(published),
            draft_value=draft_value,
            published_value=published_value,
            change=_change(draft_value, published_value, higher_is_better),
        )

    rows = [
        row("cases", "Cases", "cases", lambda f: str(f.cases), None),
        row(
            "top1",
            "Expected condition first (top-1)",
            "top1",
            lambda f: _share(f.top1_cases, f.cases, f.top1),
            True,
        ),
        row(
            "top3",
            "Expected condition in the top three (top-3)",
            "top3",
            lambda f: _share(f.top3_cases, f.cases, f.top3),
            True,
        ),
        row(
            "triage_exact",
            "Exact urgency",
            "triage_exact",
            lambda f: _share(f.triage_exact_cases, f.cases, f.triage_exact),
            True,
        ),
        row(
            "under_triage",
            "Under-triage (less urgent than expected)",
            "under_triage",
            lambda f: f"{f.under_triage} ({f.under_triage_rate:.1%})",
            False,
        ),
        row(
            "emergency_missed",
            "Emergencies missed",
            "emergency_missed",
            lambda f: f"{f.emergency_missed} of {f.emergency_cases}",
            False,
        ),
    ]
    if (draft and draft.errors) or (published and published.errors):
        rows.append(
            row("errors", "Cases that cannot be assessed", "errors", lambda f: str(f.errors), False)
        )
    return tuple(rows)


def _share(count: int, cases: int, fraction: float) -> str:
    return f"{count} of {cases} ({fraction:.1%})"


def _change(
    draft: float | int | None, published: float | int | None, higher_is_better: bool | None
) -> Change:
    if draft is None or published is None or higher_is_better is None:
        return ""
    if draft == published:
        return "same"
    return "better" if (draft > published) == higher_is_better else "worse"


# --- Cases ---


def _first(result: VignetteResult) -> str | None:
    return result.given_top[0] if result.given_top else None


def _under_triaged(result: VignetteResult) -> bool:
    return result.under_triage or result.emergency_missed


def _levels_apart(result: VignetteResult) -> int:
    if result.expected_triage is None or result.given_triage is None:
        return 0
    return abs(result.expected_triage.rank - result.given_triage.rank)


def _triage_harm(result: VignetteResult) -> tuple[int, int]:
    """Smaller is better: the class of the urgency's outcome, then how many levels away."""
    if result.error is not None:
        return (5, 0)
    if result.emergency_missed:
        return (4, _levels_apart(result))
    if result.under_triage:
        return (3, _levels_apart(result))
    if result.over_triage:
        return (2, _levels_apart(result))
    return (0, 0)


def _ranking_harm(result: VignetteResult) -> int:
    if result.error is not None:
        return 4
    if result.top1_ok:
        return 0
    if result.top1_acceptable:
        return 1
    return 2 if result.top3_ok else 3


TRIAGE_OUTCOME = {
    0: "exact",
    2: "over-triaged",
    3: "under-triaged",
    4: "a missed emergency",
    5: "not assessed",
}
RANKING_OUTCOME = {
    0: "the expected condition first",
    1: "an acceptable condition first",
    2: "the expected condition in the top three, not first",
    3: "the expected condition not in the top three",
    4: "not assessed",
}


def _changed_case(before: VignetteResult, after: VignetteResult, narrative: str) -> ChangedCase:
    triage_before, triage_after = _triage_harm(before), _triage_harm(after)
    ranking_before, ranking_after = _ranking_harm(before), _ranking_harm(after)
    if triage_before != triage_after:
        verdict: Verdict = "better" if triage_after < triage_before else "worse"
        outcome_before = TRIAGE_OUTCOME[triage_before[0]]
        outcome_after = TRIAGE_OUTCOME[triage_after[0]]
        if outcome_before == outcome_after:
            why = (
                f"Urgency {outcome_after}, {'fewer' if verdict == 'better' else 'more'} levels "
                "away than before."
            )
        else:
            why = f"Urgency was {outcome_before}, now {outcome_after}."
    elif ranking_before != ranking_after:
        verdict = "better" if ranking_after < ranking_before else "worse"
        why = (
            f"Ranking was {RANKING_OUTCOME[ranking_before]}, now {RANKING_OUTCOME[ranking_after]}."
        )
    else:
        verdict = "neither"
        why = (
            f"Urgency {TRIAGE_OUTCOME[triage_after[0]]} and {RANKING_OUTCOME[ranking_after]}, "
            "as before."
        )
    if after.error is not None:
        why += f" The draft cannot assess it: {after.error}."
    return ChangedCase(
        code=after.id,
        narrative=_excerpt(narrative),
        expected_top=after.expected_top,
        expected_triage=_level(after.expected_triage),
        published_top=_first(before),
        published_triage=_level(before.given_triage),
        draft_top=_first(after),
        draft_triage=_level(after.given_triage),
        verdict=verdict,
        why=why,
    )


def _level(level: Triage | None) -> str | None:
    return None if level is None else level.value


def _excerpt(narrative: str) -> str:
    text = " ".join(narrative.split())
    if len(text) <= NARRATIVE_EXCERPT:
        return text
    cut = text[:NARRATIVE_EXCERPT].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


# --- Safety ---


def _safety_reasons(draft: EvaluationReport, published: EvaluationReport | None) -> list[str]:
    if published is None:
        missed = [r.id for r in draft.results if r.emergency_missed]
        if not missed:
            return []
        return [
            f"Nothing is published yet, and the draft misses {_cases(len(missed), 'emergency')}: "
            f"{', '.join(missed)}."
        ]
    reasons = []
    if draft.emergency_missed > published.emergency_missed:
        reasons.append(
            f"The draft misses {_cases(draft.emergency_missed, 'emergency')}; the published "
            f"version misses {published.emergency_missed}."
        )
    if draft.under_triage > published.under_triage:
        reasons.append(
            f"The draft under-triages {_cases(draft.under_triage, 'case')}; the published "
            f"version {published.under_triage}."
        )
    pairs = list(zip(published.results, draft.results, strict=True))
    newly_missed = [a.id for b, a in pairs if a.emergency_missed and not b.emergency_missed]
    newly_under = [
        a.id
        for b, a in pairs
        if _under_triaged(a) and not _under_triaged(b) and not a.emergency_missed
    ]
    if newly_missed:
        reasons.append(
            f"Emergencies the published version catches and the draft misses: "
            f"{', '.join(newly_missed)}."
        )
    if newly_under:
        reasons.append(
            f"Cases the published version does not under-triage and the draft does: "
            f"{', '.join(newly_under)}."
        )
    return reasons


def _cases(count: int, noun: str) -> str:
    plural = {"emergency": "emergencies", "case": "cases"}[noun]
    return f"{count} {noun if count == 1 else plural}"
