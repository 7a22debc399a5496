"""The knowledge document, declared once: every entry, its fields, their types and defaults.

docs/knowledge-format.md describes the format in words; these pydantic models are its one
definition in code. The knowledge file is validated against them (``knowledge_validation``
words their errors as curators read them), its canonical form is their dump, and the mapping
to the draft rows (``conditions.document_rows``) reads its field lists from them. Each value
type below checks one value and says what is wrong in a curator's words.
"""

import math
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, ClassVar, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationInfo, create_model
from pydantic_core import PydanticCustomError

from .people import Population
from .triage import Triage

FORMAT_VERSION = 1
CODE_PATTERN = r"^[a-z][a-z0-9_]*$"
# Reference keys are slugs "firstauthor-year-topic"; hyphens and dots are common in them.
REFERENCE_KEY_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
OLDEST_AGE = 120
# Shares are written with two decimals; binary rounding must not make 0.45 + 0.55 exceed 1.
SUM_TOLERANCE = 1e-9
# Shares of a condition's forms are written with a few decimals: they add up to 1 within this.
SHARE_TOLERANCE = 1e-3
EVERYONE = "all"

# The values of the choices (conditions/choices.py gives them their labels; a test keeps them
# equal).
ANSWER_TYPES = ("yes_no",)
QUESTIONNAIRE_SECTIONS = (
    "warning_signs",
    "where_it_hurts",
    "the_pain",
    "stiffness_and_nights",
    "other_joints",
    "skin_eyes_bowels",
    "general_health",
)
CONDITION_CATEGORIES = (
    "inflammatory",
    "mechanical",
    "infection",
    "injury",
    "childrens_hip",
    "other",
)
POPULATIONS = (EVERYONE, *Population)
TRIAGE_LEVELS = tuple(Triage)


# --- Value types: each checks one value and gives its canonical form ---


def _problem(message: str) -> PydanticCustomError:
    # The message is passed as context so that braces in a curator's value are not formatted.
    return PydanticCustomError("knowledge", "{problem}", {"problem": message})


def _checked(check: Callable[[Any], Any], annotation: Any) -> Any:
    return Annotated[annotation, PlainValidator(check)]


# The value types are named like types: they are used as annotations below.
def Text(
    *,
    max_length: int | None = None,
    required: bool = False,
    pattern: str | None = None,
    example: str = "",
) -> Any:
    """Text; an unquoted number in YAML (snomed_ct: 69896004) is still meant as text."""

    def check(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _problem(f"{value!r} is not text")
        text = str(value)
        if required and not text.strip():
            raise _problem("must not be empty")
        if max_length is not None and len(text) > max_length:
            raise _problem(f"is {len(text)} characters long; at most {max_length} fit")
        if pattern is not None and not re.fullmatch(pattern, text):
            raise _problem(f"{text!r} is not a valid code (for example {example})")
        return text

    return _checked(check, str)


def Code(max_length: int = 60) -> Any:
    """The code of an entry: lower case, digits and underscores."""
    return Text(
        max_length=max_length, required=True, pattern=CODE_PATTERN, example="rheumatoid_arthritis"
    )


def _finding_code(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(CODE_PATTERN, value):
        raise _problem(
            f"{value!r} is not a finding code (for example morning_stiffness_over_30min)"
        )
    return value


FindingCode = _checked(_finding_code, str | None)


def Choice(values: tuple[str, ...]) -> Any:
    """One of ``values``."""

    def check(value: Any) -> str:
        if value not in values:
            raise _problem(f"{value!r} is not one of {', '.join(values)}")
        return value

    return _checked(check, str)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _problem(f"{value!r} is not true or false")
    return value


Boolean = _checked(_boolean, bool)


def WholeNumber(
    *, minimum: int = 0, maximum: int | None = None, nullable: bool = False, unit: str = ""
) -> Any:
    """A whole number from ``minimum`` to ``maximum``; None only when ``nullable``."""

    def check(value: Any) -> int | None:
        if value is None:
            if nullable:
                return None
            raise _problem("is missing a value")
        if isinstance(value, bool) or not isinstance(value, int):
            raise _problem(f"{value!r} is not a whole number{unit}")
        if value < minimum or (maximum is not None and value > maximum):
            upper = f" and {maximum}" if maximum is not None else ""
            raise _problem(f"{value} is not between {minimum}{upper}")
        return value

    return _checked(check, int | None if nullable else int)


def Probability(*, exclusive: bool, nullable: bool = False) -> Any:
    """A probability: strictly between 0 and 1 (evidence, baselines) or from 0 to 1."""

    def check(value: Any) -> float | None:
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _problem(f"{value!r} is not a number")
        if exclusive and not 0 < value < 1:
            raise _problem(f"{value} is not strictly between 0 and 1")
        if not exclusive and not 0 <= value <= 1:
            raise _problem(f"{value} is not between 0 and 1")
        return float(value)

    return _checked(check, float | None if nullable else float)


def _likelihood_ratio(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _problem(f"{value!r} is not a number")
    if not 1 <= value < math.inf:
        raise _problem(f"{value} is not a number of 1 or more")
    return float(value)


# A likelihood ratio of 1 or more (its inverse, at most 1, is meant with it).
LikelihoodRatio = _checked(_likelihood_ratio, float)


def ReferenceKey(*, nullable: bool = True) -> Any:
    """The key of an entry of ``references``; validated with ``context={"reference_keys": ...}``
    it must also be one of them."""

    def check(value: Any, info: ValidationInfo) -> str | None:
        if value is None:
            if nullable:
                return None
            raise _problem("is missing a reference key")
        if not isinstance(value, str) or not re.fullmatch(REFERENCE_KEY_PATTERN, value):
            raise _problem(
                f"{value!r} is not a reference key (for example fischer-1999-limping-child)"
            )
        known = (info.context or {}).get("reference_keys")
        if known is not None and value not in known:
            raise _problem(f"reference {value!r} is not in references")
        return value

    return _checked(check, str | None if nullable else str)


Age = WholeNumber(maximum=OLDEST_AGE, nullable=True, unit=" of years")
Weeks = WholeNumber(nullable=True, unit=" of weeks")


# --- Entries ---


class Entry(BaseModel):
    """An entry of the document: unknown keys are refused, values are checked as declared."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def label(cls, raw: Mapping[str, Any]) -> str | None:
        """How messages name this entry in its list (its code), or None to use its position."""
        code = raw.get("code")
        return None if code is None else str(code)


def sourced(figure: type[Entry]) -> type[Entry]:
    """The figure with its source after its own fields: a reference, or an expert estimate.

    A sourced entry must name a reference or be marked as an expert estimate; the note says what
    was checked.
    """
    return create_model(
        figure.__name__,
        __base__=figure,
        __module__=figure.__module__,
        __doc__=figure.__doc__,
        reference=(ReferenceKey(), None),
        expert_estimate=(Boolean, False),
        note=(Text(), ""),
    )


def declared_within(
    entry: type[BaseModel] | None, name: Any
) -> tuple[type[BaseModel] | None, type[BaseModel] | None]:
    """What ``entry`` declares at field ``name``: a nested entry, or a list of entries (the
    second item); (None, None) for a plain value, a list of plain values or an unknown name."""
    if entry is None or name not in entry.model_fields:
        return None, None
    annotation = entry.model_fields[name].annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, None
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return None, item
    return None, None


def is_list(entry: type[BaseModel], name: str) -> bool:
    """Whether ``entry`` declares a list (of entries or of codes) at field ``name``."""
    return get_origin(entry.model_fields[name].annotation) is list


def is_sourced(entry: type[BaseModel]) -> bool:
    """Whether entries of this kind carry a source (reference, expert_estimate, note)."""
    return "expert_estimate" in entry.model_fields


@sourced
class DurationFigures(Entry):
    """How long the pain has lasted, as cumulative shares."""

    le_2_weeks: Probability(exclusive=False)
    ge_6_weeks: Probability(exclusive=False)
    ge_12_weeks: Probability(exclusive=False)


@sourced
class ResultThresholds(Entry):
    """What the result page shows (issue 14): a condition is listed when ranked first or at
    fits_probability or more, and "fits well" from fits_well_probability; an answer is a reason
    when its likelihood ratio is reason_likelihood_ratio or more, or its inverse or less."""

    fits_probability: Probability(exclusive=False)
    fits_well_probability: Probability(exclusive=False)
    reason_likelihood_ratio: LikelihoodRatio


# A document written before these were data: the figures the result page used then.
DEFAULT_RESULT_THRESHOLDS = ResultThresholds(
    fits_probability=0.10,
    fits_well_probability=0.40,
    reason_likelihood_ratio=2.0,
    reference=None,
    expert_estimate=True,
    note="Expert estimate: the figures the result page used before it read them (issue 14).",
)


@sourced
class InterviewFigures(Entry):
    """When the adaptive interview may stop and how full a page is (issue 16; the engine's
    ``InterviewPolicy``). Questions are counted with the opening ones (age, sex, how long, which
    side): at least min_questions, at most max_questions, warning signs excepted."""

    stop_top_probability: Probability(exclusive=False)
    stop_top_ratio: LikelihoodRatio
    stop_min_gain: Probability(exclusive=False)  # bits
    opening_questions: WholeNumber(maximum=20)
    min_questions: WholeNumber(maximum=500)
    max_questions: WholeNumber(minimum=1, maximum=500)
    page_size: WholeNumber(minimum=1, maximum=12)
    # Warning signs are one topic, asked together (a document written before this had none).
    warning_page_size: WholeNumber(minimum=1, maximum=12) = 6
    page_share: Probability(exclusive=False)
    not_sure_share: Probability(exclusive=False)


# A document written before these were data: the figures the interview used then.
DEFAULT_INTERVIEW = InterviewFigures(
    stop_top_probability=0.70,
    stop_top_ratio=2.0,
    stop_min_gain=0.05,
    opening_questions=4,
    min_questions=8,
    max_questions=23,
    page_size=4,
    warning_page_size=6,
    page_share=0.5,
    not_sure_share=0.1,
    reference=None,
    expert_estimate=True,
    note=(
        "Expert estimate: the figures the interview used before it read them, with the four "
        "opening questions the pages ask (age, sex, how long, which side; issue 16)."
    ),
)


class Scoring(Entry):
    """The scoring policy: one per knowledge base."""

    plausible_probability: Probability(exclusive=False)
    baseline_duration: DurationFigures
    result_thresholds: ResultThresholds = DEFAULT_RESULT_THRESHOLDS
    interview: InterviewFigures = DEFAULT_INTERVIEW


class AgeBandEntry(Entry):
    """An age range (whole years, inclusive) that priors are given for."""

    code: Text(max_length=20, required=True)
    min_age: WholeNumber(maximum=OLDEST_AGE)
    max_age: WholeNumber(maximum=OLDEST_AGE)


class ReferenceEntry(Entry):
    """A source the figures cite."""

    key: Text(
        max_length=100,
        required=True,
        pattern=REFERENCE_KEY_PATTERN,
        example="fischer-1999-limping-child",
    )
    citation: Text(required=True)
    url: Text(max_length=500) = ""
    doi: Text(max_length=200) = ""
    note: Text() = ""

    @classmethod
    def label(cls, raw: Mapping[str, Any]) -> str | None:
        key = raw.get("key")
        return None if key is None else str(key)


@sourced
class Baseline(Entry):
    """P(yes) among everyone consulting with hip pain, adults and children."""

    adult: Probability(exclusive=True)
    child: Probability(exclusive=True)


class FindingEntry(Entry):
    """A question and how often it is answered yes among everyone with hip pain."""

    code: Code()
    question: Text(required=True)
    help_text: Text() = ""
    # The question and its help as a parent reads them about a child under 16 (issue 16):
    # "Has your child had a fever…?"; empty where the question reads the same for everyone.
    question_for_child: Text() = ""
    help_text_for_child: Text() = ""
    # What a yes and a no say as a reason on the result page ("You have had a fever").
    statement_yes: Text() = ""
    statement_no: Text() = ""
    # The same as a parent reads them about their child under 16 ("Your child has had a fever");
    # empty: the statements above.
    statement_yes_for_child: Text() = ""
    statement_no_for_child: Text() = ""
    answer_type: Choice(ANSWER_TYPES) = ANSWER_TYPES[0]
    section: Choice(QUESTIONNAIRE_SECTIONS)
    order: WholeNumber(maximum=32767) = 0
    min_age: Age = None
    max_age: Age = None
    blocks_self_care: Boolean = False
    allows_not_sure: Boolean = True
    follow_up_for: FindingCode = None
    implies: FindingCode = None
    baseline: Baseline


@sourced
class Prior(Entry):
    """The share of a condition among people with hip pain in one age band."""

    band: Text(max_length=20, required=True)
    probability: Probability(exclusive=False)

    @classmethod
    def label(cls, raw: Mapping[str, Any]) -> str | None:
        return str(raw.get("band"))


def evidence_label(finding: Any, population: Any) -> str:
    """How an evidence row is named: its finding, with the population unless everyone."""
    return str(finding) if population == EVERYONE else f"{finding}, {population}"


@sourced
class EvidenceEntry(Entry):
    """P(finding answered yes | condition) for a population.

    From a study of the same complaint: probability is the sensitivity, and 1 − specificity is
    P(yes | other hip pain), used instead of the finding's baseline (clinical decision 2).
    """

    finding: Code()
    population: Choice(POPULATIONS) = EVERYONE
    probability: Probability(exclusive=True)
    specificity: Probability(exclusive=True, nullable=True) = None

    @classmethod
    def label(cls, raw: Mapping[str, Any]) -> str | None:
        return evidence_label(raw.get("finding"), raw.get("population", EVERYONE))


@sourced
class FormFigures(Entry):
    """A distinct form of a condition and its share of the condition's cases."""

    code: Code()
    name: Text(max_length=200, required=True)
    description: Text() = ""
    share: Probability(exclusive=True)

    @classmethod
    def label(cls, raw: Mapping[str, Any]) -> str | None:
        return str(raw.get("code"))


class FormEntry(FormFigures):
    """A condition scored as a mixture of its distinct forms (clinical decision 3): each form has
    its share of the condition's cases and its own evidence rows; a finding without a row of the
    form uses the condition's row."""

    evidence: list[EvidenceEntry] = Field(default_factory=list)


@sourced
class SexFigures(Entry):
    """The share of women among the people with the condition."""

    female_share: Probability(exclusive=False)


class ConditionEntry(Entry):
    """A condition that can cause hip pain, with the figures it is scored by."""

    code: Code()
    name: Text(max_length=200, required=True)
    summary: Text(required=True)
    category: Choice(CONDITION_CATEGORIES)
    is_other_causes: Boolean = False
    min_age: Age = None
    max_age: Age = None
    sex: SexFigures
    urgency: Choice(TRIAGE_LEVELS)
    self_care_max_duration_weeks: Weeks = None
    doctor_checks: Text() = ""
    management: Text() = ""
    icd10: Text(max_length=100) = ""
    snomed_ct: Text(max_length=100) = ""
    references: list[ReferenceKey(nullable=False)] = Field(default_factory=list)
    priors: list[Prior]
    duration: DurationFigures
    evidence: list[EvidenceEntry] = Field(default_factory=list)
    forms: list[FormEntry] = Field(default_factory=list)


@sourced
class RedFlagRuleEntry(Entry):
    """A warning sign (or a combination) that sets at least an urgency level."""

    # The lists of findings, in file order; the draft rows keep them as criteria.
    REQUIREMENT_LISTS: ClassVar[tuple[str, ...]] = (
        "requires_present",
        "requires_absent",
        "requires_any_of",
        "qualifier_absent",
    )

    code: Code()
    name: Text(max_length=200, required=True)
    urgency: Choice(TRIAGE_LEVELS)
    concern: Text(max_length=200, required=True)
    concern_conditions: list[Code()] = Field(default_factory=list)
    cap_unless_ranked_first: Boolean = False
    min_age: Age = None
    max_age: Age = None
    duration_min_weeks: Weeks = None
    duration_below_weeks: Weeks = None
    requires_present: list[Code()] = Field(default_factory=list)
    requires_absent: list[Code()] = Field(default_factory=list)
    requires_any_of: list[Code()] = Field(default_factory=list)
    qualifier_absent: list[Code()] = Field(default_factory=list)
    message: Text(required=True)
    if_unanswered: Text(required=True)
    reason: Text(required=True)


class KnowledgeDocument(BaseModel):
    """The whole knowledge base: the scoring policy and the five lists of entries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format_version: int = FORMAT_VERSION
    scoring: Scoring
    age_bands: list[AgeBandEntry] = Field(default_factory=list)
    references: list[ReferenceEntry] = Field(default_factory=list)
    findings: list[FindingEntry] = Field(default_factory=list)
    conditions: list[ConditionEntry] = Field(default_factory=list)
    red_flag_rules: list[RedFlagRuleEntry] = Field(default_factory=list)


# Each list of the document, the entries it holds and the field that names them.
SECTIONS: dict[str, tuple[type[Entry], str]] = {
    "age_bands": (AgeBandEntry, "code"),
    "references": (ReferenceEntry, "key"),
    "findings": (FindingEntry, "code"),
    "conditions": (ConditionEntry, "code"),
    "red_flag_rules": (RedFlagRuleEntry, "code"),
}
TOP_LEVEL_KEYS = tuple(KnowledgeDocument.model_fields)
