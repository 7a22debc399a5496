"""The published knowledge base as frozen dataclasses (built by ``knowledge_document``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from .knowledge_format import DEFAULT_INTERVIEW as _INTERVIEW
from .people import Population, Sex
from .triage import Triage

if TYPE_CHECKING:
    from .scoring import ScoreTables

OTHER_CAUSES_CODE = "other_causes"
# The pseudo-finding code of the duration's contribution in explanations.
DURATION_CODE = "duration"
# The pseudo-finding code of the line that says which form of a condition fits best.
FORM_CODE = "form"


class KnowledgeBaseError(ValueError):
    """The document cannot be used by the engine; the message names the offending entry."""


@dataclass(frozen=True, slots=True)
class AgeBand:
    """An age range (inclusive, whole years) that priors are given for."""

    code: str
    min_age: int
    max_age: int


@dataclass(frozen=True, slots=True)
class DurationProfile:
    """How long the pain has lasted, as the cumulative shares of the duration table."""

    le_2_weeks: float
    ge_6_weeks: float
    ge_12_weeks: float


@dataclass(frozen=True, slots=True)
class Finding:
    """A yes/no question and how often it is answered yes among everyone with hip pain."""

    code: str
    question: str
    help_text: str
    answer_type: str
    section: str
    order: int
    min_age: int | None
    max_age: int | None
    blocks_self_care: bool
    baseline_adult: float
    baseline_child: float
    # A finding whose "yes" implies another's (stiff over an hour → stiff over 30 minutes).
    implies: str | None = None
    # A warning sign people know from their own experience is asked as yes / no only.
    allows_not_sure: bool = True
    # Asked when that finding is answered "not sure"; its answer then counts as that finding's.
    follow_up_for: str | None = None
    # What a yes and a no say as a reason ("You have had a fever"); empty when not written.
    statement_yes: str = ""
    statement_no: str = ""
    # The statements as a parent reads them about a child; empty: as for everyone.
    statement_yes_for_child: str = ""
    statement_no_for_child: str = ""
    # The question and its help as a parent reads them about a child; empty: as for everyone.
    question_for_child: str = ""
    help_text_for_child: str = ""

    def baseline(self, population: Population) -> float:
        """P(yes) among all people consulting with hip pain in ``population``."""
        return self.baseline_adult if population is Population.ADULT else self.baseline_child


@dataclass(frozen=True, slots=True)
class Evidence:
    """P(finding answered yes | condition) for a population ("all", "adult" or "child").

    With ``specificity`` the row comes from a study of the same complaint: ``probability`` is the
    sensitivity and 1 − specificity is P(yes | other hip pain), used instead of the finding's
    baseline, so the ratios are the study's LR+ and LR− (clinical decision 2).
    """

    finding: str
    population: str
    probability: float
    specificity: float | None = None

    def if_yes_and_no(self, baseline: float) -> tuple[float, float]:
        """(likelihood ratio of a "yes", of a "no") against ``baseline`` or the study's others."""
        others = baseline if self.specificity is None else 1.0 - self.specificity
        return self.probability / others, (1.0 - self.probability) / (1.0 - others)


@dataclass(frozen=True, slots=True)
class ConditionForm:
    """One distinct form of a condition: its share of the condition's cases and its own evidence.

    A finding without a row of the form uses the condition's row (clinical decision 3).
    """

    code: str
    name: str
    description: str
    share: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Condition:
    """A cause of hip pain, or the ``other_causes`` class, with what the engine needs of it."""

    code: str
    name: str
    summary: str
    category: str
    is_other_causes: bool
    min_age: int | None
    max_age: int | None
    female_share: float
    urgency: Triage
    self_care_max_duration_weeks: float | None
    doctor_checks: str
    management: str
    icd10: str
    snomed_ct: str
    priors: Mapping[str, float]
    duration: DurationProfile | None
    evidence: tuple[Evidence, ...]
    # A condition of distinct forms is scored as their mixture; empty for most conditions.
    forms: tuple[ConditionForm, ...] = ()

    def sex_multiplier(self, sex: Sex) -> float:
        """Factor on the prior: 2 × share of cases of this sex (1 when the sexes are even)."""
        share = self.female_share if sex is Sex.FEMALE else 1.0 - self.female_share
        return 2.0 * share

    def evidence_probability(self, finding: str, population: Population) -> float | None:
        """P(yes | this condition) for ``population``: its own row wins over "all"; None if none."""
        row = self.evidence_row(finding, population)
        return None if row is None else row.probability

    def evidence_row(self, finding: str, population: Population) -> Evidence | None:
        """The evidence row for ``finding`` in ``population`` (its own row wins over "all")."""
        general = None
        for row in self.evidence:
            if row.finding != finding:
                continue
            if row.population == population:
                return row
            if row.population == "all":
                general = row
        return general


@dataclass(frozen=True, slots=True)
class RedFlagRule:
    """A pattern of answers that sets at least its level, whatever the ranking (a floor).

    ``concern`` says in plain words what it may mean; ``concern_conditions`` are the conditions
    it is there to catch. With every ``qualifier_absent`` finding answered "no" (confirmed, never
    "not sure"), the rule's level stands in for its concern conditions' own levels, unless
    ``cap_unless_ranked_first`` and the concern ranks first (triage-policy.md §1).
    ``if_unanswered`` is what the person reads when its warning signs are unanswered (§3).
    """

    code: str
    name: str
    urgency: Triage
    min_age: int | None
    max_age: int | None
    duration_min_weeks: float | None
    duration_below_weeks: float | None
    requires_present: tuple[str, ...]
    requires_absent: tuple[str, ...]
    requires_any_of: tuple[str, ...]
    message: str
    reason: str
    concern: str = ""
    concern_conditions: tuple[str, ...] = ()
    qualifier_absent: tuple[str, ...] = ()
    cap_unless_ranked_first: bool = False
    if_unanswered: str = ""

    @property
    def warning_findings(self) -> tuple[str, ...]:
        """The findings whose "yes" can fire this rule (those it needs present, or any one of)."""
        return (*self.requires_present, *self.requires_any_of)


@dataclass(frozen=True, slots=True)
class InterviewPolicy:
    """The adaptive interview's stop rule and page size: the scoring policy's ``interview``
    figures (curated data); the defaults are those of a document written before they were."""

    stop_top_probability: float = _INTERVIEW.stop_top_probability
    stop_top_ratio: float = _INTERVIEW.stop_top_ratio
    stop_min_gain: float = _INTERVIEW.stop_min_gain  # bits
    # Asked of everyone before the findings (age, sex, how long, which side), and counted.
    opening_questions: int = _INTERVIEW.opening_questions
    min_questions: int = _INTERVIEW.min_questions  # the opening questions included
    max_questions: int = _INTERVIEW.max_questions  # the opening questions included
    page_size: int = _INTERVIEW.page_size
    warning_page_size: int = _INTERVIEW.warning_page_size  # the warning signs' page
    # Others on the page are worth at least this share of the best question's gain.
    page_share: float = _INTERVIEW.page_share
    # How often a person cannot answer an ordinary question ("not sure"); it scales the gain.
    not_sure_share: float = _INTERVIEW.not_sure_share

    def with_figures(self, figures: Mapping[str, Any]) -> InterviewPolicy:
        """This policy with some figures replaced, each read as its field's type; raises
        ``ValueError`` for a name that is not a figure or a policy that cannot work."""
        unknown = set(figures) - set(INTERVIEW_FIGURES)
        if unknown:
            raise ValueError(f"interview: {', '.join(sorted(unknown))} is not a figure")
        policy = replace(
            self, **{name: type(getattr(self, name))(value) for name, value in figures.items()}
        )
        if not (
            0.0 <= policy.stop_top_probability <= 1.0
            and policy.stop_top_ratio >= 1.0
            and policy.max_questions > 0
            and policy.min_questions <= policy.max_questions
            and policy.page_size >= 1
            and policy.warning_page_size >= 1
        ):
            raise ValueError(
                "interview: 0 ≤ stop_top_probability ≤ 1, stop_top_ratio ≥ 1, "
                "min_questions ≤ max_questions, page_size ≥ 1 and warning_page_size ≥ 1"
            )
        return policy


# The names of the interview policy's figures, as the scoring policy's document writes them.
INTERVIEW_FIGURES = tuple(figure.name for figure in fields(InterviewPolicy))


@dataclass(frozen=True, slots=True)
class ResultThresholds:
    """What the result shows (scoring policy, issue 14): a condition is listed when it ranks
    first or reaches ``fits_probability``, and fits well from ``fits_well_probability``; an
    answer is a reason when its likelihood ratio is at least ``reason_likelihood_ratio`` or at
    most its inverse. The defaults are the figures of documents written before they were data."""

    fits_probability: float = 0.10
    fits_well_probability: float = 0.40
    reason_likelihood_ratio: float = 2.0


@dataclass(frozen=True, eq=False)
class KnowledgeBase:
    """An immutable snapshot of one published knowledge-base version, ready for ``assess``.

    ``conditions`` holds the named conditions sorted by code; ``other_causes`` is apart.
    Equality is identity: two snapshots are the same only if they are the same object.
    """

    version: int
    plausible_probability: float
    baseline_duration: DurationProfile
    age_bands: tuple[AgeBand, ...]
    findings: Mapping[str, Finding]
    conditions: tuple[Condition, ...]
    other_causes: Condition
    red_flag_rules: tuple[RedFlagRule, ...]
    result_thresholds: ResultThresholds
    score_tables: ScoreTables = field(repr=False)
    interview_policy: InterviewPolicy = InterviewPolicy()

    def has_finding(self, code: str) -> bool:
        """Whether ``code`` is a finding of this knowledge base."""
        return code in self.findings

    def has_condition(self, code: str) -> bool:
        """Whether ``code`` is a named condition or ``other_causes``."""
        return code in self.score_tables.class_index

    def condition(self, code: str) -> Condition:
        """The named condition (or ``other_causes``) with this code; KeyError if unknown."""
        index = self.score_tables.class_index[code]
        return self.other_causes if index == len(self.conditions) else self.conditions[index]

    @property
    def follow_ups(self) -> Mapping[str, str]:
        """Finding code → the code of its follow-up, asked when it is answered "not sure"."""
        return self.score_tables.follow_ups

    @property
    def blocks_self_care(self) -> frozenset[str]:
        """Codes of the findings that, answered yes, forbid self-care."""
        return self.score_tables.blocks_self_care
