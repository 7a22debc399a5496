"""``assess``: the ranked conditions with their explanations, and the triage level.

Explanations: every contribution of a condition is one answered finding (or the duration) whose
likelihood ratio for that condition is not 1, so that

    score = log_prior + Σ contribution.log_likelihood_ratio

holds exactly (up to float rounding) and ``probability`` is the softmax of the scores over the
classes left in (named conditions and ``other_causes``). Contributions are built for the first
``EXPLAINED_TOP`` conditions and for every condition at ``EXPLAINED_MIN_PROBABILITY`` or more,
plus ``other_causes``; the rest (only in very large knowledge bases) carry ``explained=False`` and
no contributions, and their rows are built only when read (``RankedConditions``): ``assess``
stays linear in the number of conditions without building rows and explanations nobody reads.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat

from .answers import Answers
from .knowledge import DURATION_CODE, FORM_CODE, Condition, KnowledgeBase
from .people import Population
from .scoring import (
    ClassScores,
    DurationBin,
    ScoreTables,
    finding_of_key,
    score_classes,
)
from .triage import Triage
from .triage_rules import TriageReason, UnansweredWarningSign, decide_triage

# Display limits, not clinical figures: the seeded knowledge base (18 named conditions) is
# always explained in full.
EXPLAINED_TOP = 20
EXPLAINED_MIN_PROBABILITY = 0.01


@dataclass(frozen=True, slots=True)
class Contribution:
    """How one answer moved a condition's score, against hip pain in general.

    ``finding`` is a finding code, or ``"duration"`` with the duration bin as ``answer``, or
    ``"form"`` with the code of the condition's form that fits best as ``answer`` (its share and
    how much better it fits than the other forms, as one line).
    A positive ``log_likelihood_ratio`` raises the condition, a negative one lowers it.
    """

    finding: str
    answer: bool | DurationBin | str
    log_likelihood_ratio: float
    likelihood_ratio: float


class Contributions(Sequence[Contribution]):
    """A condition's contributions, built the first time they are read: a read-only sequence
    that behaves as a tuple (equal to the tuple of the same contributions).

    Why: most assessments never read them (the triage, the evaluation, the interview's
    look-ahead of one more answer, which assesses the answers dozens of times per question),
    and building them was half the time of ``assess`` on the seeded knowledge base.
    """

    __slots__ = ("_build", "_built")

    def __init__(self, build: Callable[[], tuple[Contribution, ...]]) -> None:
        self._build: Callable[[], tuple[Contribution, ...]] | None = build
        self._built: tuple[Contribution, ...] | None = None

    def _items(self) -> tuple[Contribution, ...]:
        if self._built is None:
            assert self._build is not None
            self._built = self._build()
            self._build = None  # the explainer and the answers it holds can go
        return self._built

    def __len__(self) -> int:
        return len(self._items())

    def __getitem__(self, position):  # type: ignore[override]
        return self._items()[position]

    def __iter__(self) -> Iterator[Contribution]:
        return iter(self._items())

    def __bool__(self) -> bool:
        return bool(self._items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Contributions | tuple):
            return self._items() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._items())

    def __repr__(self) -> str:
        return repr(self._items())

    def __reduce__(self):
        # Pickled (or deep-copied) as the tuple it stands for: the builder is a closure.
        return (tuple, (self._items(),))


@dataclass(frozen=True, slots=True)
class RankedCondition:
    """A condition with its posterior and the explanation of its score.

    ``score = log_prior + Σ contributions`` and ``probability = exp(score) / Σ exp(scores)``.
    ``log_prior`` is log(band prior × sex multiplier).
    """

    code: str
    name: str
    category: str
    urgency: Triage
    probability: float
    score: float
    log_prior: float
    contributions: Sequence[Contribution]  # a tuple, or ``Contributions`` built when read
    explained: bool


class RankedConditions(Sequence[RankedCondition]):
    """The named conditions, most probable first: a read-only sequence that behaves as a tuple.

    The explained rows come built; the rows after them (only in very large knowledge bases) are
    built the first time anything reads past the explained ones. Building 10,000 rows that nobody
    reads was most of an assessment's time at 10,000 conditions, and grew faster than the size.
    """

    __slots__ = ("_explained", "_later", "_later_rows")

    def __init__(self, explained: tuple[RankedCondition, ...], later: _UnexplainedRows) -> None:
        self._explained = explained
        self._later = later
        self._later_rows: tuple[RankedCondition, ...] | None = None

    @property
    def explained(self) -> tuple[RankedCondition, ...]:
        """The first rows, those with their contributions (reading them builds nothing more)."""
        return self._explained

    def _rest(self) -> tuple[RankedCondition, ...]:
        if self._later_rows is None:
            self._later_rows = self._later.build()
        return self._later_rows

    def __len__(self) -> int:
        return len(self._explained) + len(self._later)

    def __getitem__(self, position):  # type: ignore[override]
        if isinstance(position, slice):
            return tuple(self[index] for index in range(*position.indices(len(self))))
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError("ranked condition index out of range")
        if position < len(self._explained):
            return self._explained[position]
        return self._rest()[position - len(self._explained)]

    def __iter__(self) -> Iterator[RankedCondition]:
        yield from self._explained
        yield from self._rest()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RankedConditions | tuple):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"RankedConditions({tuple(self)!r})"


class _UnexplainedRows:
    """What the rows after the explained ones are built from, when they are read."""

    __slots__ = ("classes", "log_priors", "order", "probabilities", "scores")

    def __init__(
        self,
        classes: Sequence[Condition],
        order: Sequence[int],
        probabilities: Sequence[float],
        scores: Sequence[float],
        log_priors: Sequence[float],
    ) -> None:
        self.classes = classes
        self.order = order
        self.probabilities = probabilities
        self.scores = scores
        self.log_priors = log_priors

    def __len__(self) -> int:
        return len(self.order)

    def build(self) -> tuple[RankedCondition, ...]:
        """Rows without contributions, as ``_row`` builds them but in one loop: at 10,000
        conditions even a function call per row counts."""
        classes, probabilities, scores, log_priors = (
            self.classes,
            self.probabilities,
            self.scores,
            self.log_priors,
        )
        rows = []
        append = rows.append
        for index in self.order:
            row = _RankedConditionDraft(
                classes[index], probabilities[index], scores[index], log_priors[index], (), False
            )
            row.__class__ = RankedCondition
            append(row)
        return tuple(rows)


@dataclass(frozen=True, slots=True)
class Assessment:
    """The result for one set of answers, against one knowledge-base version."""

    triage: Triage
    triage_reasons: tuple[TriageReason, ...]
    conditions: RankedConditions  # named conditions only, most probable first
    other_causes: float  # posterior of "something not on this list", shown apart
    other_causes_detail: RankedCondition
    excluded_by_age: tuple[str, ...]
    excluded_by_sex: tuple[str, ...]
    knowledge_base_version: int
    fired_red_flags: tuple[str, ...]
    # Red-flag rules that could still fire on unanswered findings, more urgent than ``triage``.
    unanswered_warning_signs: tuple[UnansweredWarningSign, ...] = ()


def assess(knowledge_base: KnowledgeBase, answers: Answers) -> Assessment:
    """Rank the conditions that fit ``answers`` and decide how urgently to see a professional.

    A follow-up's answer counts as the finding it follows up when that one is "not sure".
    """
    tables = knowledge_base.score_tables
    answers = answers.with_follow_ups(tables.follow_ups)
    scored = score_classes(tables, answers)
    scores = scored.scores
    other_index = len(knowledge_base.conditions)
    classes = tables.classes
    probabilities, order = _ranked(scored)
    explained = min(EXPLAINED_TOP, len(order))
    while explained < len(order) and probabilities[order[explained]] >= EXPLAINED_MIN_PROBABILITY:
        explained += 1

    log_priors = scored.log_priors
    explain = _Explainer(
        tables, scored.evidence, scored.population, scored.duration_bin, scored.slot_scores
    )
    ranked = RankedConditions(
        tuple(
            _row(
                classes[index],
                probabilities[index],
                scores[index],
                log_priors[index],
                explain.lazy(index, scores[index], log_priors[index]),
                explained=True,
            )
            for index in order[:explained]
        ),
        _UnexplainedRows(classes, order[explained:], probabilities, scores, log_priors),
    )
    decision = decide_triage(
        knowledge_base,
        answers,
        ((classes[index], probabilities[index]) for index in order),
        probabilities[other_index],
    )
    return Assessment(
        triage=decision.level,
        triage_reasons=decision.reasons,
        conditions=ranked,
        other_causes=probabilities[other_index],
        other_causes_detail=_row(
            knowledge_base.other_causes,
            probabilities[other_index],
            scores[other_index],
            log_priors[other_index],
            explain.lazy(other_index, scores[other_index], log_priors[other_index]),
            explained=True,
        ),
        excluded_by_age=scored.excluded_by_age,
        excluded_by_sex=scored.excluded_by_sex,
        knowledge_base_version=knowledge_base.version,
        fired_red_flags=decision.fired_red_flags,
        unanswered_warning_signs=decision.unanswered_warning_signs,
    )


def triage_and_leaders(
    knowledge_base: KnowledgeBase, answers: Answers, leaders: int = 3
) -> tuple[Triage, tuple[str, ...]]:
    """``assess``'s level and its first ``leaders`` conditions' codes, without the ranking's
    rows and explanations: what the interview asks of each answer it considers (tested equal)."""
    tables = knowledge_base.score_tables
    answers = answers.with_follow_ups(tables.follow_ups)
    probabilities, order = _ranked(score_classes(tables, answers))
    classes = tables.classes
    decision = decide_triage(
        knowledge_base,
        answers,
        ((classes[index], probabilities[index]) for index in order),
        probabilities[len(knowledge_base.conditions)],
    )
    return decision.level, tuple(classes[index].code for index in order[:leaders])


def _ranked(scored: ClassScores) -> tuple[list[float], list[int]]:
    """The posterior of every class, and the named conditions in, most probable first."""
    scores = scored.scores
    # Softmax; other_causes is always in, so the top score is finite. map() keeps the loops in C.
    top_score = max(scores)
    weights = list(map(math.exp, map(operator.sub, scores, repeat(top_score))))
    total = math.fsum(weights)
    probabilities = list(map(operator.truediv, weights, repeat(total)))
    # Candidate indices are in code order and Python's sort is stable (also when reversed):
    # ties stay in code order, so the ranking is deterministic.
    return probabilities, sorted(scored.named_in, key=probabilities.__getitem__, reverse=True)


# (sort key, contribution): sorting these pairs orders contributions by |effect|, then code.
_KeyedContribution = tuple[tuple[float, str], Contribution]
_FindingEntries = Mapping[str, tuple[_KeyedContribution, _KeyedContribution]]
_DurationEntries = Mapping[DurationBin, _KeyedContribution]


class _Explainer:
    """Builds the contributions of one condition for one set of answers.

    Contributions are immutable and depend only on the knowledge base, the population, the
    condition and the answer, so each is built once, on first use, and kept in the tables' memo:
    explaining a condition is then a few dictionary look-ups and one small sort.
    """

    def __init__(
        self,
        tables: ScoreTables,
        evidence: Mapping[str, bool],
        population: Population,
        duration_bin: DurationBin | None,
        slot_scores: Sequence[float] = (),
    ) -> None:
        self._tables = tables
        self._findings = evidence
        self._population = population
        self._duration_bin = duration_bin
        self._slot_scores = slot_scores
        self._forms = dict(tables.form_slots)

    def lazy(self, index: int, score: float, log_prior: float) -> Contributions:
        """The contributions of class ``index``, built when first read."""
        return Contributions(lambda: self.contributions(index, score, log_prior))

    def contributions(
        self, index: int, score: float = 0.0, log_prior: float = 0.0
    ) -> tuple[Contribution, ...]:
        """The contributions of class ``index``; for a condition of forms, those of the form
        that fits best plus one line for the form, so that they still add up to
        ``score - log_prior``."""
        slots = self._forms.get(index)
        if slots is None:
            return self._contributions(index)
        class_count = len(self._tables.classes)
        best = max(slots, key=lambda slot: self._slot_scores[slot - class_count])
        found = self._contributions(best)
        form = self._tables.slot_forms[best - class_count]
        rest = math.fsum(contribution.log_likelihood_ratio for contribution in found)
        log_ratio = score - log_prior - rest
        line = Contribution(FORM_CODE, form.code, log_ratio, math.exp(log_ratio))
        keyed = [((-abs(c.log_likelihood_ratio), c.finding), c) for c in (*found, line)]
        keyed.sort()
        return tuple(contribution for _, contribution in keyed)

    def _contributions(self, index: int) -> tuple[Contribution, ...]:
        finding_entries, duration_entries = self._entries(index)
        found = []
        for code, present in self._findings.items():
            pair = finding_entries.get(code)
            if pair is not None:
                found.append(pair[0] if present else pair[1])
        duration = duration_entries.get(self._duration_bin)
        if duration is not None:
            found.append(duration)
        found.sort()  # sort keys are unique within a condition: contributions are never compared
        return tuple(contribution for _, contribution in found)

    def _entries(self, index: int) -> tuple[_FindingEntries, _DurationEntries]:
        memo = self._tables.contribution_memo
        key = (self._population, index)
        entries = memo.get(key)
        if entries is None:
            ratios = self._tables.log_ratios_by_class[self._population][index]
            finding_entries = {
                code: (_keyed(code, True, if_yes), _keyed(code, False, if_no))
                for code, (if_yes, if_no) in ratios.items()
            }
            duration_entries = {
                bin_: _keyed(DURATION_CODE, bin_, by_class[index])
                for bin_, by_class in self._tables.duration_log_ratios.items()
                if by_class[index] != 0.0
            }
            # Concurrent first uses build equal entries; whichever is kept, results are the same.
            entries = memo.setdefault(key, (finding_entries, duration_entries))
        return entries


def _keyed(key: str, answer: bool | DurationBin, log_ratio: float) -> _KeyedContribution:
    finding = finding_of_key(key)
    contribution = Contribution(finding, answer, log_ratio, math.exp(log_ratio))
    return ((-abs(log_ratio), finding), contribution)


class _RankedConditionDraft:
    """A settable twin of ``RankedCondition``: same slots, so the same memory layout.

    Why: a frozen dataclass's generated ``__init__`` sets each field through
    ``object.__setattr__`` (about 1.4 µs an instance here), and reading every row of an assessment
    of 10,000 conditions builds 10,000 of them: 14 ms that way. A draft is filled
    with plain attribute stores, then becomes a ``RankedCondition`` by ``__class__`` assignment,
    which Python allows between classes of identical layout. The result is an ordinary frozen
    instance (equal to, and indistinguishable from, one built by the constructor) in a third of
    the time; tests/engine/test_scoring.py checks this.
    """

    __slots__ = RankedCondition.__slots__

    def __init__(
        self,
        condition: Condition,
        probability: float,
        score: float,
        log_prior: float,
        contributions: Sequence[Contribution],
        explained: bool,
    ) -> None:
        self.code = condition.code
        self.name = condition.name
        self.category = condition.category
        self.urgency = condition.urgency
        self.probability = probability
        self.score = score
        self.log_prior = log_prior
        self.contributions = contributions
        self.explained = explained


def _row(
    condition: Condition,
    probability: float,
    score: float,
    log_prior: float,
    contributions: Sequence[Contribution],
    *,
    explained: bool,
) -> RankedCondition:
    """``RankedCondition(...)`` for ``condition``, built through its draft (see above)."""
    row = _RankedConditionDraft(condition, probability, score, log_prior, contributions, explained)
    row.__class__ = RankedCondition
    return row
