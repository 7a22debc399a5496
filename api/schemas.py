"""The request and response bodies of the JSON API, as pydantic models (and so the OpenAPI schema).

The request body is exactly a vignette's ``answers`` (vignettes/README.md). Its bounds are
the engine's, so the documented schema and what ``answers_from_mapping`` accepts are the same.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from conditions.engine.answers import MAX_AGE, MAX_DURATION_WEEKS, MIN_AGE
from conditions.engine.assessment import EXPLAINED_MIN_PROBABILITY, EXPLAINED_TOP

TriageLevel = Literal["emergency", "urgent", "soon", "routine", "self_care"]
# The engine's ReasonKind values (tests/api/test_unanswered_warning_signs.py checks they match).
ReasonKindName = Literal["red_flag", "condition", "capped", "unconfirmed", "self_care", "default"]

PROBABILITY_NOTE = (
    "Posterior probability among the conditions left in, from 0 to 1. The scores are not "
    "calibrated: show patients the likelihood words, not a percentage."
)


def whole_number(value: Any) -> Any:
    """``118.0`` → ``118``: JSON has one number type, and JSON Schema counts a number with no
    fraction as an integer (clients that write every number as a float send ages so)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class AnswersIn(BaseModel):
    """One person's answers: age, sex, how long the pain has lasted, and the yes/no findings."""

    # Strict: "42" is not an age and 1 is not "yes"; the engine is as strict.
    model_config = ConfigDict(extra="forbid", strict=True)

    age: Annotated[int, BeforeValidator(whole_number)] = Field(
        ge=MIN_AGE, le=MAX_AGE, description="Age in whole years."
    )
    sex: Literal["female", "male"]
    duration_weeks: float | None = Field(
        default=None,
        ge=0,
        le=MAX_DURATION_WEEKS,
        allow_inf_nan=False,
        description="How many weeks the pain has lasted; null or left out when not known.",
    )
    findings: dict[str, bool | None] = Field(
        default_factory=dict,
        description=(
            "Finding code → true (yes) or false (no). Leave a finding out, or send null, when "
            "the person is not sure or was not asked: it never counts as no. The codes are "
            "those of GET /api/v1/questionnaire."
        ),
    )


class FieldError(BaseModel):
    """One problem with the request, named by its field (``findings.<code>`` for a finding)."""

    field: str
    message: str


class ErrorsOut(BaseModel):
    """Every problem found in the request at once."""

    errors: list[FieldError]


class MessageOut(BaseModel):
    """A plain explanation, e.g. why the service cannot answer now."""

    message: str


class CodingOut(BaseModel):
    """A code in a standard terminology (FHIR ``Coding``: system URI and code)."""

    system: str
    code: str


class ContributionOut(BaseModel):
    """How one answer moved a condition's score against hip pain in general."""

    finding: str = Field(description='A finding code, or "duration".')
    answer: bool | str = Field(
        description="The answer given: true or false, or for the duration its range."
    )
    likelihood_ratio: float = Field(description="Above 1 the answer supports the condition.")


class ReasonOut(BaseModel):
    """An answer that moves a listed condition noticeably, as the result page gives it."""

    finding: str = Field(description='A finding code, or "duration".')
    answer: bool | str = Field(
        description="The answer given: true or false, or for the duration its range."
    )
    direction: Literal["for", "against"] = Field(
        description="for: makes the condition more likely; against: less likely."
    )
    likelihood_ratio: float = Field(
        description=(
            "Its strength: at least the scoring policy's reason_likelihood_ratio (for), or at "
            "most its inverse (against)."
        )
    )
    statement: str = Field(
        description='What the person said, in the result page\'s words ("You have had a fever").'
    )


class RankedConditionOut(BaseModel):
    """A condition that fits the answers, with its explanation."""

    code: str
    name: str
    category: str
    urgency: TriageLevel
    probability: float = Field(description=PROBABILITY_NOTE)
    likelihood: str = Field(description="The likelihood in the words the result page uses.")
    codes: list[CodingOut] = Field(description="ICD-10 and SNOMED CT codes, where confirmed.")
    explanation: list[ContributionOut] = Field(
        description="The answers that moved the score, strongest first."
    )
    fits: bool = Field(
        description=(
            "Listed on the result page: ranked first (ahead of other causes), or at the scoring "
            "policy's fits_probability or more."
        )
    )
    reasons: list[ReasonOut] = Field(
        description=(
            "For a condition that fits: the answers that move it noticeably, strongest first, "
            "as statements; empty otherwise."
        )
    )


class OtherCausesOut(BaseModel):
    """Something not on the list (strain, referred back pain…): shown apart, never ranked."""

    probability: float = Field(description=PROBABILITY_NOTE)
    likelihood: str
    explanation: list[ContributionOut]


class TriageReasonOut(BaseModel):
    """One reason for the triage level: a red-flag rule or a condition, and the level it brings."""

    kind: ReasonKindName = Field(
        description=(
            "red_flag: a red-flag rule fired (each sets at least its level); condition: a "
            "condition ranks first or is plausible; capped: a condition's level replaced by a "
            'red-flag rule\'s, because the person confirmed "can bear weight"; unconfirmed: an '
            "emergency-level condition whose warning signs are unanswered (a same-day level "
            "until they are known); self_care: a condition that allows self-care at this "
            "duration; default: no named condition is plausible, the level of other causes."
        )
    )
    code: str = Field(description="The red-flag rule's code, or the condition's.")
    urgency: TriageLevel
    message: str = Field(description="For the person.")
    reason: str = Field(description="Why, for clinicians and curators.")
    concern: str = Field(
        description=(
            "For a red_flag or capped reason: what the rule's warning signs may mean, in plain "
            'words (e.g. "a broken hip"); a result set by a red flag leads with it. Empty for '
            "the other kinds (and for rules published without one)."
        )
    )


class UnansweredWarningSignOut(BaseModel):
    """A red-flag rule that could still fire if unanswered findings were answered yes (or no).

    Listed only when the level it would bring is more urgent than the assessment's ``triage``:
    tell the person what to do if it applies to them.
    """

    rule: str = Field(description="The red-flag rule's code.")
    findings: list[str] = Field(
        description="The finding codes left unanswered (or not sure) that the rule depends on."
    )
    urgency: TriageLevel = Field(description="The level the rule would bring if it fired.")
    message: str = Field(
        description=(
            'For the person: what to do if it applies ("If you have had a fall or injury and '
            'cannot stand or put weight on the leg, call 999 …"); may be empty for rules '
            "published without one."
        )
    )
    concern: str = Field(description="What the rule's warning signs may mean, in plain words.")


class AdviceOut(BaseModel):
    """What to do, in the words of the result page."""

    heading: str
    action: str


class AssessmentOut(BaseModel):
    """How urgently to see a professional, and which conditions could fit."""

    knowledge_base_version: int
    triage: TriageLevel = Field(description="Most urgent first: emergency, urgent, soon, …")
    advice: AdviceOut
    triage_reasons: list[TriageReasonOut] = Field(
        description="The reasons that bring the level given in triage (all at that level)."
    )
    fired_red_flags: list[str]
    unanswered_warning_signs: list[UnansweredWarningSignOut] = Field(
        description=(
            "Warning signs the answers leave open (findings left out or not sure) that would "
            "make the level more urgent: name each with its level, as the result page does."
        )
    )
    conditions: list[RankedConditionOut] = Field(
        description=(
            f"Most probable first: the first {EXPLAINED_TOP} and every other condition at "
            f"{EXPLAINED_MIN_PROBABILITY:.0%} or more, each with its explanation."
        )
    )
    unlisted_conditions: int = Field(
        description="How many more conditions fit too little to list (0 unless very many)."
    )
    other_causes: OtherCausesOut
    excluded_by_age: list[str]
    excluded_by_sex: list[str]
    disclaimer: str


class AboutYouItemOut(BaseModel):
    """A question asked of everyone first: age, sex or how long the pain has lasted."""

    code: Literal["age", "sex", "duration_weeks"]
    question: str
    help_text: str
    answer_type: Literal["integer", "number", "choice"]
    required: bool
    minimum: int | None
    maximum: int | None
    options: list[str]


class SectionOut(BaseModel):
    """A step of the questionnaire, in the order it is asked."""

    code: str
    title: str


class FindingOut(BaseModel):
    """A yes / no / not sure question of the published knowledge base."""

    code: str
    question: str
    help_text: str
    question_for_child: str = Field(
        description=(
            "The question in a parent's words, asked instead below 16; empty when the curators "
            "wrote none (then ask ``question``)."
        )
    )
    help_text_for_child: str = Field(
        description="The hint in a parent's words below 16; empty: use ``help_text``."
    )
    answer_type: str
    section: str
    order: int
    min_age: int | None = Field(description="Asked only from this age (inclusive), or null.")
    max_age: int | None = Field(description="Asked only up to this age (inclusive), or null.")
    allows_not_sure: bool = Field(
        description=(
            "False for a warning sign people know from their own experience (a fall, standing on "
            "the leg): ask it as yes / no only."
        )
    )
    follow_up_for: str | None = Field(
        description=(
            "The finding this one follows up: ask it only when that one is not sure; its answer "
            "then counts as that finding's. Null for ordinary questions."
        )
    )


class QuestionnaireOut(BaseModel):
    """The questions, as published: answer them in the body of POST /api/v1/assessments."""

    knowledge_base_version: int
    about_you: list[AboutYouItemOut]
    sections: list[SectionOut]
    findings: list[FindingOut] = Field(description="In the order they are asked.")


class ConditionOut(BaseModel):
    """A published condition, as a patient reads it."""

    code: str
    name: str
    summary: str
    category: str
    urgency: TriageLevel
    min_age: int | None
    max_age: int | None
    icd10: str = Field(description='As the curators wrote it, e.g. "M05, M06"; may be "".')
    snomed_ct: str = Field(description='A SNOMED CT concept id, or "" when none is confirmed.')
    codes: list[CodingOut]
    doctor_checks: str
    management: str


class ConditionListOut(BaseModel):
    """Every published named condition, by code."""

    knowledge_base_version: int
    conditions: list[ConditionOut]


class ConditionDetailOut(ConditionOut):
    """One published condition, with the version it comes from."""

    knowledge_base_version: int


# --- the adaptive interview (POST /api/v1/interview) -------------------------------------------

StopReasonName = Literal[
    "not_yet",
    "confident",
    "nothing_useful_left",
    "nothing_can_change",
    "maximum_reached",
    "all_asked",
]


class InterviewQuestionOut(FindingOut):
    """A question to ask now, ``question`` and ``help_text`` worded for the person's age (a
    parent's words below 16 when the curators wrote them); ``warning_sign`` when it is asked
    first because it could make the level more urgent."""

    warning_sign: bool


class InterviewOut(BaseModel):
    """The next questions to ask, or that the interview may stop, with the assessment so far."""

    knowledge_base_version: int
    should_stop: bool = Field(
        description="True when the answers are clear enough: show the assessment as the result."
    )
    stop_reason: StopReasonName
    questions_asked: int = Field(
        description=(
            "So far, with the scoring policy's opening questions (the questionnaire's four: age, "
            "sex, how long, which side)."
        )
    )
    questions: list[InterviewQuestionOut] = Field(
        description=(
            "The next page of questions (empty when should_stop). Send each answer back in "
            "findings: true, false, or null for not sure (a finding left out was not asked)."
        )
    )
    assessment: AssessmentOut = Field(description="What the answers so far give.")
