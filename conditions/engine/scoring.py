"""Scores of each class (the named conditions and ``other_causes``) for one set of answers.

Method: naive Bayes over mutually exclusive classes, the named conditions plus ``other_causes``
(causes outside the list). Each class gets a score, a log of an unnormalised probability:

    score(c) = log prior(c) + Σ contribution(c, answered finding) + contribution(c, duration)

* Prior. Population is "child" below 16 years, "adult" from 16. The prior is the condition's
  figure for the age band containing the age, times a sex multiplier: 2 × female_share for a
  woman, 2 × (1 − female_share) for a man. A condition whose age gate (min_age..max_age,
  inclusive) excludes the age is left out and listed in ``excluded_by_age``, as is one whose band
  prior is 0; one whose multiplier is 0 is listed in ``excluded_by_sex``.
* Findings. Only ANSWERED findings count: a missing code is unknown and contributes nothing,
  exactly as if it had not been asked ("not sure" is never "no"). P(yes | c) is the condition's
  evidence row for the population (a population-specific row wins over "all"); without a row it is
  the finding's baseline for the population, so the likelihood ratio is 1. The contribution is
  log(P(answer | c) / P(answer | baseline)), with P(no | ·) = 1 − P(yes | ·) and the baseline
  P(yes) = finding.baseline[population] (everyone consulting with hip pain).
* Implied findings. Where one finding implies another (stiff for over an hour implies stiff for
  over 30 minutes), the pair is one variable with three states, not two independent answers:
  "yes" to the stronger finding A counts as P(A | c) alone (the implied B adds nothing); "no" to
  both counts as P(not B | c) alone; "no" to A with "yes" to B counts as P(B and not A | c) =
  P(B | c) − P(A | c), split as A's "no" plus B's "yes given not A". Otherwise naive Bayes would
  count the same morning stiffness twice.
* Duration. The three cumulative figures (a = P(≤ 2 weeks), b = P(≥ 6), c = P(≥ 12)) become four
  exclusive bins: ≤ 2 weeks: a; > 2 and < 6: 1 − a − b; ≥ 6 and < 12: b − c; ≥ 12: c. Each bin is
  floored at ``DURATION_BIN_FLOOR`` and the four renormalised, so that no bin is impossible; the
  contribution is log(P(bin | c) / P(bin | scoring.baseline_duration)). Unknown duration
  contributes nothing; a condition without duration figures uses the baseline (ratio 1).
* Forms. A condition of distinct forms (clinical decision 3) is scored as their mixture:
  P(answers, c) = Σ_f share(f) × P(answers | f) × prior(c), each form with its own evidence rows
  and the condition's row for any finding the form has none for. Each form is a hidden class
  (after ``other_causes``) with prior × share; the condition's score is the log of the sum of
  its forms' exponentiated scores.
* Evidence from a study of the same complaint (a row with ``specificity``) uses the study's
  LR+ = sensitivity / (1 − specificity) and LR− = (1 − sensitivity) / specificity instead of the
  ratios against the finding's baseline (clinical decision 2).
* Posterior. Softmax of the scores over the classes left in: P(c | answers) =
  exp(score(c)) / Σ exp(score(k)). Subtracting the baseline in every contribution changes every
  score of a given set of answers by the same amount, so it changes no posterior; it makes each
  contribution read as "raises" (> 0) or "lowers" (< 0) against hip pain in general.

Everything that does not depend on the answers is computed once by ``build_score_tables``: log
priors per age band and sex, log likelihood ratios per population, and for each finding a sparse
list of (class index, log ratio) for the classes whose ratio is not 1. Scoring is then one list
copy plus one addition per (answered finding, class with evidence for it).
"""

from __future__ import annotations

import dataclasses
import enum
import math
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import add
from types import MappingProxyType
from typing import Any

from .answers import MAX_AGE, Answers, AnswersError
from .knowledge import (
    AgeBand,
    Condition,
    ConditionForm,
    DurationProfile,
    Finding,
)
from .people import Population, Sex, population_for_age

# Numerical guard, not a clinical figure: keeps every duration bin possible (log of 0 is -inf)
# when the cumulative figures leave a bin empty (e.g. 0.95 ≤ 2 weeks and 0.05 ≥ 6 weeks).
DURATION_BIN_FLOOR = 0.005

LEFT_OUT = -math.inf

# Read-only arrays of doubles or of class indices: contiguous memory, so that summing over
# thousands of classes does not chase one pointer per number (several times faster at 10,000
# conditions than tuples of floats), and immutable like the rest of the snapshot.
Doubles = memoryview
Indices = memoryview
# Per finding, the classes whose ratio is not 1: (indices, log ratios if yes, log ratios if no).
SparseEvidence = tuple[Indices, Doubles, Doubles]

# Numerical guard, not a clinical figure: P(B and not A) when the figures leave it empty.
IMPLIED_SHARE_FLOOR = 0.005
_GIVEN_NOT = "|given_not|"


def given_not_key(finding: str, implier: str) -> str:
    """The evidence key of "``finding`` is yes, ``implier`` (which implies it) is no"."""
    return f"{finding}{_GIVEN_NOT}{implier}"


def finding_of_key(key: str) -> str:
    """The finding code behind an evidence key (plain or "given not")."""
    return key.split(_GIVEN_NOT, 1)[0]


def _doubles(values: Iterable[float]) -> Doubles:
    return memoryview(array("d", values)).toreadonly()


def _indices(values: Iterable[int]) -> Indices:
    return memoryview(array("q", values)).toreadonly()


class DurationBin(enum.StrEnum):
    """The four exclusive duration ranges the cumulative figures are turned into."""

    UP_TO_2_WEEKS = "up_to_2_weeks"
    FROM_2_TO_6_WEEKS = "2_to_6_weeks"
    FROM_6_TO_12_WEEKS = "6_to_12_weeks"
    FROM_12_WEEKS = "12_weeks_or_more"

    @property
    def label(self) -> str:
        """Plain words for the result page."""
        return _DURATION_LABELS[self]


_DURATION_LABELS = {
    DurationBin.UP_TO_2_WEEKS: "2 weeks or less",
    DurationBin.FROM_2_TO_6_WEEKS: "more than 2 weeks and less than 6",
    DurationBin.FROM_6_TO_12_WEEKS: "6 weeks or more, less than 12",
    DurationBin.FROM_12_WEEKS: "12 weeks or more",
}


def duration_bin(duration_weeks: float) -> DurationBin:
    """The bin of a known duration (the table's limits: ≤ 2, ≥ 6 and ≥ 12 weeks)."""
    if duration_weeks <= 2:
        return DurationBin.UP_TO_2_WEEKS
    if duration_weeks < 6:
        return DurationBin.FROM_2_TO_6_WEEKS
    if duration_weeks < 12:
        return DurationBin.FROM_6_TO_12_WEEKS
    return DurationBin.FROM_12_WEEKS


def duration_bin_probabilities(profile: DurationProfile) -> dict[DurationBin, float]:
    """P(each bin) from the cumulative figures, floored and renormalised."""
    a, b, c = profile.le_2_weeks, profile.ge_6_weeks, profile.ge_12_weeks
    raw = {
        DurationBin.UP_TO_2_WEEKS: a,
        DurationBin.FROM_2_TO_6_WEEKS: 1.0 - a - b,
        DurationBin.FROM_6_TO_12_WEEKS: b - c,
        DurationBin.FROM_12_WEEKS: c,
    }
    floored = {bin_: max(share, DURATION_BIN_FLOOR) for bin_, share in raw.items()}
    total = math.fsum(floored.values())
    return {bin_: share / total for bin_, share in floored.items()}


@dataclass(frozen=True, eq=False)
class ScoreTables:
    """Everything about scoring that does not depend on the answers.

    Classes are indexed 0..n-1 for the named conditions (sorted by code) and n for
    ``other_causes``; every per-class tuple has n + 1 entries.
    """

    classes: tuple[Condition, ...]  # the named conditions, then other_causes
    class_codes: tuple[str, ...]
    class_index: Mapping[str, int]
    # Age in whole years → index into age_bands, or None when no band covers it.
    band_for_age: tuple[int | None, ...]
    # [band][sex] → log prior per class, LEFT_OUT where excluded by age gate, zero prior or sex.
    log_priors: tuple[Mapping[Sex, Doubles], ...]
    # [band][sex] → indices of the named conditions scored, before age gates inside the band.
    named_in: tuple[Mapping[Sex, tuple[int, ...]], ...]
    # [band] → (class index, min_age, max_age) for age gates that cut through the band.
    partial_age_gates: tuple[tuple[tuple[int, int, int], ...], ...]
    # [band] → codes left out whatever the exact age (gate outside the band, zero prior).
    excluded_by_age: tuple[tuple[str, ...], ...]
    # [band][sex] → codes left out because no case is of that sex (female_share 0 or 1).
    excluded_by_sex: tuple[Mapping[Sex, tuple[str, ...]], ...]
    duration_log_ratios: Mapping[DurationBin, Doubles]
    # [population][finding code] → sparse (yes, no) lists over classes whose ratio is not 1.
    sparse_evidence: Mapping[Population, Mapping[str, SparseEvidence]]
    # [population][class index] → {finding code: (log ratio if yes, log ratio if no)}.
    log_ratios_by_class: Mapping[Population, tuple[Mapping[str, tuple[float, float]], ...]]
    blocks_self_care: frozenset[str]
    # (implier, implied) finding pairs, e.g. (stiffness over 60 minutes, over 30 minutes).
    implications: tuple[tuple[str, str], ...] = ()
    # Finding code → its follow-up's code, asked when the finding is answered "not sure".
    follow_ups: Mapping[str, str] = field(default_factory=dict)
    # Conditions of several forms: (class index, indices of its forms' hidden classes). The
    # hidden classes follow other_causes in every per-class table; ``slot_forms`` lists their
    # forms in that order.
    form_slots: tuple[tuple[int, tuple[int, ...]], ...] = ()
    slot_forms: tuple[ConditionForm, ...] = ()
    # Memo of immutable explanation parts, filled by the first assessment that needs them (see
    # assessment._Explainer); it never changes a result, only saves rebuilding them.
    contribution_memo: dict[Any, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True)
class ClassScores:
    """The scores of one set of answers, before normalisation."""

    scores: list[float]  # per class index; LEFT_OUT for classes left out
    named_in: tuple[int, ...] | list[int]  # indices of the named conditions scored, in code order
    log_priors: Doubles  # per class index, for this age band and sex
    population: Population
    duration_bin: DurationBin | None
    excluded_by_age: tuple[str, ...]
    excluded_by_sex: tuple[str, ...]
    # The answers as evidence keys, each implied pair counted once (``effective_findings``).
    evidence: Mapping[str, bool]
    # Scores of the forms' hidden classes (``ScoreTables.slot_forms`` order).
    slot_scores: Sequence[float] = ()


def build_score_tables(
    *,
    conditions: Sequence[Condition],
    other_causes: Condition,
    findings: Mapping[str, Finding],
    age_bands: Sequence[AgeBand],
    baseline_duration: DurationProfile,
) -> ScoreTables:
    """Precompute log priors, log likelihood ratios and sparse evidence lists."""
    classes = (*conditions, other_causes)
    form_slots = []
    slot_forms: list[ConditionForm] = []
    slot_classes = []
    for index, condition in enumerate(conditions):
        if not condition.forms:
            continue
        first = len(classes) + len(slot_classes)
        form_slots.append((index, tuple(range(first, first + len(condition.forms)))))
        slot_forms.extend(condition.forms)
        slot_classes.extend(_form_class(condition, form) for form in condition.forms)
    scored = (*classes, *slot_classes)
    priors = _PriorTables.build(scored, len(conditions), age_bands, class_count=len(classes))
    implications = tuple(
        sorted((code, f.implies) for code, f in findings.items() if f.implies is not None)
    )
    # A condition of forms is scored through its forms only: its own evidence adds nothing.
    mixed = frozenset(index for index, _slots in form_slots)
    sparse_evidence, log_ratios_by_class = _evidence_tables(
        scored, findings, implications, skip=mixed
    )
    codes = tuple(condition.code for condition in classes)
    return ScoreTables(
        classes=classes,
        class_codes=codes,
        class_index=MappingProxyType({code: index for index, code in enumerate(codes)}),
        band_for_age=tuple(
            next(
                (i for i, band in enumerate(age_bands) if band.min_age <= age <= band.max_age), None
            )
            for age in range(MAX_AGE + 1)
        ),
        log_priors=tuple(priors.log_priors),
        named_in=tuple(priors.named_in),
        partial_age_gates=tuple(priors.partial_age_gates),
        excluded_by_age=tuple(priors.excluded_by_age),
        excluded_by_sex=tuple(priors.excluded_by_sex),
        duration_log_ratios=_duration_tables(scored, baseline_duration),
        sparse_evidence=sparse_evidence,
        log_ratios_by_class=log_ratios_by_class,
        blocks_self_care=frozenset(code for code, f in findings.items() if f.blocks_self_care),
        implications=implications,
        follow_ups=MappingProxyType(
            {f.follow_up_for: code for code, f in findings.items() if f.follow_up_for is not None}
        ),
        form_slots=tuple(form_slots),
        slot_forms=tuple(slot_forms),
    )


def _form_class(condition: Condition, form: ConditionForm) -> Condition:
    """The hidden class of one form: the condition's prior × the form's share, and the form's
    evidence rows with the condition's for every finding the form has none for."""
    own = {row.finding for row in form.evidence}
    return dataclasses.replace(
        condition,
        code=f"{condition.code}/{form.code}",
        priors=MappingProxyType(
            {band: prior * form.share for band, prior in condition.priors.items()}
        ),
        evidence=(*form.evidence, *(row for row in condition.evidence if row.finding not in own)),
        forms=(),
    )


@dataclass
class _PriorTables:
    """The per-band, per-sex prior tables of ``ScoreTables``, built band by band."""

    log_priors: list[Mapping[Sex, Doubles]] = field(default_factory=list)
    named_in: list[Mapping[Sex, tuple[int, ...]]] = field(default_factory=list)
    partial_age_gates: list[tuple[tuple[int, int, int], ...]] = field(default_factory=list)
    excluded_by_age: list[tuple[str, ...]] = field(default_factory=list)
    excluded_by_sex: list[Mapping[Sex, tuple[str, ...]]] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        classes: Sequence[Condition],
        named_count: int,
        age_bands: Sequence[AgeBand],
        *,
        class_count: int,
    ) -> _PriorTables:
        """``classes`` are the named conditions, other_causes, then the forms' hidden classes
        (the first ``class_count`` are the visible ones: only they are listed as excluded)."""
        tables = cls()
        for band in age_bands:
            gates = []
            always_out = set()  # whatever the exact age within the band
            for index, condition in enumerate(classes):
                low = band.min_age if condition.min_age is None else condition.min_age
                high = band.max_age if condition.max_age is None else condition.max_age
                if high < band.min_age or low > band.max_age or condition.priors[band.code] <= 0:
                    always_out.add(index)
                elif (low > band.min_age or high < band.max_age) and index < class_count:
                    # A form shares its condition's gate: the condition's is enough.
                    gates.append((index, low, high))
            log_priors = {
                sex: [
                    LEFT_OUT
                    if index in always_out or condition.sex_multiplier(sex) <= 0.0
                    else math.log(condition.priors[band.code] * condition.sex_multiplier(sex))
                    for index, condition in enumerate(classes)
                ]
                for sex in Sex
            }
            tables.log_priors.append(
                MappingProxyType({sex: _doubles(values) for sex, values in log_priors.items()})
            )
            tables.named_in.append(
                MappingProxyType(
                    {
                        sex: tuple(
                            index
                            for index, log_prior in enumerate(values[:named_count])
                            if log_prior != LEFT_OUT
                        )
                        for sex, values in log_priors.items()
                    }
                )
            )
            tables.partial_age_gates.append(tuple(gates))
            tables.excluded_by_age.append(
                tuple(classes[index].code for index in sorted(always_out) if index < class_count)
            )
            tables.excluded_by_sex.append(
                MappingProxyType(
                    {
                        sex: tuple(
                            condition.code
                            for index, condition in enumerate(classes[:class_count])
                            if index not in always_out and condition.sex_multiplier(sex) <= 0.0
                        )
                        for sex in Sex
                    }
                )
            )
        return tables


def _duration_tables(
    classes: Sequence[Condition], baseline_duration: DurationProfile
) -> Mapping[DurationBin, Doubles]:
    baseline_bins = duration_bin_probabilities(baseline_duration)
    class_bins = [
        None if condition.duration is None else duration_bin_probabilities(condition.duration)
        for condition in classes
    ]
    return MappingProxyType(
        {
            bin_: _doubles(
                0.0 if bins is None else math.log(bins[bin_] / baseline_bins[bin_])
                for bins in class_bins
            )
            for bin_ in DurationBin
        }
    )


def _evidence_tables(
    classes: Sequence[Condition],
    findings: Mapping[str, Finding],
    implications: Sequence[tuple[str, str]] = (),
    *,
    skip: frozenset[int] = frozenset(),
) -> tuple[
    Mapping[Population, Mapping[str, SparseEvidence]],
    Mapping[Population, tuple[Mapping[str, tuple[float, float]], ...]],
]:
    sparse_evidence = {}
    log_ratios_by_class = {}
    for population in Population:
        per_finding: dict[str, tuple[list[int], list[float], list[float]]] = {}
        per_class = []
        for index, condition in enumerate(classes):
            ratios = {}
            if index in skip:
                per_class.append(MappingProxyType(ratios))
                continue
            for code in sorted({row.finding for row in condition.evidence}):
                row = condition.evidence_row(code, population)
                if row is None:
                    continue
                ratio_if_yes, ratio_if_no = row.if_yes_and_no(findings[code].baseline(population))
                if ratio_if_yes == 1.0 and ratio_if_no == 1.0:
                    continue  # no information: ratio 1 for yes and for no
                if_yes = math.log(ratio_if_yes)
                if_no = math.log(ratio_if_no)
                ratios[code] = (if_yes, if_no)
                indices, if_yes_list, if_no_list = per_finding.setdefault(code, ([], [], []))
                indices.append(index)
                if_yes_list.append(if_yes)
                if_no_list.append(if_no)
            for implier, implied in implications:
                if_yes = _given_not_log_ratio(condition, findings, implier, implied, population)
                if if_yes == 0.0:
                    continue
                key = given_not_key(implied, implier)
                ratios[key] = (if_yes, 0.0)  # only ever used for a "yes"
                indices, if_yes_list, if_no_list = per_finding.setdefault(key, ([], [], []))
                indices.append(index)
                if_yes_list.append(if_yes)
                if_no_list.append(0.0)
            per_class.append(MappingProxyType(ratios))
        sparse_evidence[population] = MappingProxyType(
            {
                code: (_indices(indices), _doubles(if_yes), _doubles(if_no))
                for code, (indices, if_yes, if_no) in sorted(per_finding.items())
            }
        )
        log_ratios_by_class[population] = tuple(per_class)
    return MappingProxyType(sparse_evidence), MappingProxyType(log_ratios_by_class)


def _given_not_log_ratio(
    condition: Condition,
    findings: Mapping[str, Finding],
    implier: str,
    implied: str,
    population: Population,
) -> float:
    """log of P(implied yes | implier no, c) / the same among all hip pain."""

    def given_not(p_implier: float, p_implied: float) -> float:
        return max(p_implied - p_implier, IMPLIED_SHARE_FLOOR) / (1.0 - p_implier)

    baseline_implier = findings[implier].baseline(population)
    baseline_implied = findings[implied].baseline(population)
    p_implier = condition.evidence_probability(implier, population) or baseline_implier
    p_implied = condition.evidence_probability(implied, population) or baseline_implied
    if p_implier == baseline_implier and p_implied == baseline_implied:
        return 0.0
    return math.log(given_not(p_implier, p_implied) / given_not(baseline_implier, baseline_implied))


def effective_findings(tables: ScoreTables, findings: Mapping[str, bool]) -> Mapping[str, bool]:
    """The answers as evidence keys, with each implied pair counted once (see the docstring)."""
    if not tables.implications:
        return findings
    effective = dict(findings)
    for implier, implied in tables.implications:
        implier_answer = findings.get(implier)
        implied_answer = findings.get(implied)
        if implier_answer is True:
            effective.pop(implied, None)  # already said by the implier's "yes"
        elif implier_answer is False and implied_answer is False:
            del effective[implier]  # already said by the implied "no"
        elif implier_answer is False and implied_answer is True:
            del effective[implied]
            effective[given_not_key(implied, implier)] = True
    return effective


def score_classes(tables: ScoreTables, answers: Answers) -> ClassScores:
    """Score every class for ``answers`` (see the module docstring for the method)."""
    band = tables.band_for_age[answers.age] if answers.age < len(tables.band_for_age) else None
    if band is None:
        raise AnswersError({"age": "No age band of the knowledge base covers this age"})
    priors = tables.log_priors[band][answers.sex]
    bin_ = None if answers.duration_weeks is None else duration_bin(answers.duration_weeks)
    scores = (
        list(priors) if bin_ is None else list(map(add, priors, tables.duration_log_ratios[bin_]))
    )

    excluded_by_age = list(tables.excluded_by_age[band])
    gated_out = False
    for index, low, high in tables.partial_age_gates[band]:
        if not low <= answers.age <= high:
            if scores[index] != LEFT_OUT:
                excluded_by_age.append(tables.class_codes[index])
                gated_out = True
            scores[index] = LEFT_OUT

    population = population_for_age(answers.age)
    sparse = tables.sparse_evidence[population]
    evidence = effective_findings(tables, answers.findings)
    for code, present in evidence.items():
        entries = sparse.get(code)
        if entries is None:
            continue
        indices, if_yes, if_no = entries
        for index, log_ratio in zip(indices, if_yes if present else if_no, strict=True):
            scores[index] += log_ratio

    slot_scores: Sequence[float] = ()
    if tables.form_slots:
        class_count = len(tables.classes)
        for parent, slots in tables.form_slots:
            if scores[parent] != LEFT_OUT:
                scores[parent] = _log_sum_exp([scores[slot] for slot in slots])
        slot_scores = scores[class_count:]
        del scores[class_count:]

    named_in = tables.named_in[band][answers.sex]
    if gated_out:
        named_in = [index for index in named_in if scores[index] != LEFT_OUT]
    return ClassScores(
        scores=scores,
        named_in=named_in,
        log_priors=priors,
        population=population,
        duration_bin=bin_,
        excluded_by_age=tuple(sorted(excluded_by_age)) if gated_out else tuple(excluded_by_age),
        excluded_by_sex=tables.excluded_by_sex[band][answers.sex],
        evidence=evidence,
        slot_scores=slot_scores,
    )


def _log_sum_exp(values: Sequence[float]) -> float:
    top = max(values)
    if top == LEFT_OUT:
        return LEFT_OUT
    return top + math.log(math.fsum(math.exp(value - top) for value in values))
