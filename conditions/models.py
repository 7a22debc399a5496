"""The knowledge base in PostgreSQL: draft rows curators edit, and immutable published versions.

The models mirror docs/knowledge-format.md field by field. Every invariant of that format is a
database constraint, so the admin, the shell, the loader and imports all obey it; each constraint
carries a message written for the clinician who typed the value.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from conditions import knowledge_canonical
from conditions.choices import (
    AnswerType,
    ConditionCategory,
    Population,
    QuestionnaireSection,
    Requirement,
    TriageLevel,
)
from conditions.engine.knowledge import OTHER_CAUSES_CODE
from conditions.engine.knowledge_format import (
    CODE_PATTERN,
    DEFAULT_INTERVIEW,
    DEFAULT_RESULT_THRESHOLDS,
    OLDEST_AGE,
    REFERENCE_KEY_PATTERN,
    SUM_TOLERANCE,
)
from conditions.history import ReasonedHistoricalRecords
from conditions.querysets import (
    ConditionQuerySet,
    KnowledgeBaseVersionQuerySet,
    RedFlagRuleQuerySet,
)

__all__ = [
    "AgeBand",
    "AnswerType",
    "Condition",
    "ConditionCategory",
    "ConditionForm",
    "ConditionPrior",
    "DurationEvidence",
    "Evidence",
    "Finding",
    "FormEvidence",
    "KnowledgeBaseVersion",
    "KnowledgeBaseVersionImmutable",
    "Population",
    "QuestionnaireSection",
    "RedFlagCriterion",
    "RedFlagRule",
    "Reference",
    "ScoringPolicy",
    "TriageLevel",
]


# --- Constraint builders: one wording per kind of invariant, so every message reads the same. ---


def code_format_constraint(*, name: str, what: str) -> models.CheckConstraint:
    """The code is lower case letters, digits and underscores, starting with a letter."""
    return models.CheckConstraint(
        condition=Q(code__regex=CODE_PATTERN),
        name=name,
        violation_error_message=(
            f"The {what} code must start with a lower-case letter and use only lower-case "
            "letters, digits and underscores, for example rheumatoid_arthritis."
        ),
    )


def probability_open_constraint(field: str, *, name: str, what: str) -> models.CheckConstraint:
    """The value is a probability strictly between 0 and 1."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gt": 0, f"{field}__lt": 1}),
        name=name,
        violation_error_message=(
            f"{what} must be a probability strictly between 0 and 1 (write 0.35 for 35 %%). "
            "0 or 1 would make the answer impossible or certain, which no study supports."
        ),
    )


def probability_closed_constraint(field: str, *, name: str, what: str) -> models.CheckConstraint:
    """The value is a probability from 0 to 1 inclusive."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0, f"{field}__lte": 1}),
        name=name,
        violation_error_message=(
            f"{what} must be a probability from 0 to 1 (write 0.35 for 35 %%)."
        ),
    )


def age_range_constraints(*, prefix: str, what: str) -> list[models.CheckConstraint]:
    """Ages are whole years from 0 to 120 and the range is not reversed (empty ends are open)."""
    # A NULL bound passes a CHECK, which is what an open-ended range needs.
    return [
        models.CheckConstraint(
            condition=Q(min_age__gte=0, min_age__lte=OLDEST_AGE)
            & Q(max_age__gte=0, max_age__lte=OLDEST_AGE),
            name=f"{prefix}_ages_within_0_and_{OLDEST_AGE}",
            violation_error_message=(
                f"The ages of {what} must be whole years from 0 to {OLDEST_AGE}."
            ),
        ),
        models.CheckConstraint(
            condition=Q(min_age__lte=F("max_age")),
            name=f"{prefix}_min_age_not_above_max_age",
            violation_error_message=(
                f"The youngest age of {what} is above its oldest age; "
                "both ends are inclusive, so a single year is written as the same age twice."
            ),
        ),
    ]


def duration_constraints(*, prefix: str, field_prefix: str = "") -> list[models.CheckConstraint]:
    """Shares of pain lasting ≤ 2, ≥ 6 and ≥ 12 weeks: each in [0, 1], and consistent together."""
    le_2, ge_6, ge_12 = (
        f"{field_prefix}{name}" for name in ("le_2_weeks", "ge_6_weeks", "ge_12_weeks")
    )
    shares = [
        probability_closed_constraint(
            field, name=f"{prefix}_{field.removeprefix(field_prefix)}_is_a_probability", what=what
        )
        for field, what in (
            (le_2, "The share lasting 2 weeks or less"),
            (ge_6, "The share lasting 6 weeks or more"),
            (ge_12, "The share lasting 12 weeks or more"),
        )
    ]
    return [
        *shares,
        models.CheckConstraint(
            # The tolerance absorbs binary rounding: 0.45 + 0.55 must pass.
            condition=Q(**{f"{le_2}__lte": SUM_TOLERANCE + 1 - F(ge_6)}),
            name=f"{prefix}_short_and_long_shares_fit_in_one",
            violation_error_message=(
                "The share lasting 2 weeks or less plus the share lasting 6 weeks or more is "
                "above 1; they describe different people, so together they cannot exceed 100 %%."
            ),
        ),
        models.CheckConstraint(
            condition=Q(**{f"{ge_12}__lte": F(ge_6)}),
            name=f"{prefix}_twelve_weeks_within_six_weeks",
            violation_error_message=(
                "The share lasting 12 weeks or more is above the share lasting 6 weeks or more; "
                "everyone past 12 weeks is also past 6 weeks."
            ),
        ),
    ]


def sourced_constraint(*, name: str, prefix: str = "", what: str) -> models.CheckConstraint:
    """A figure names its reference, or is marked as an expert estimate (or both)."""
    return models.CheckConstraint(
        condition=Q(**{f"{prefix}reference__isnull": False})
        | Q(**{f"{prefix}expert_estimate": True}),
        name=name,
        violation_error_message=(
            f"{what} needs a source: choose the reference it comes from, or tick "
            "“expert estimate” when no study gives the number directly (both is fine)."
        ),
    )


# --- Sources ---


REFERENCE_HELP = (
    "The main study or guideline this number comes from. Leave empty only for an expert estimate."
)
EXPERT_ESTIMATE_HELP = (
    "Tick when no study gives this number directly (the clinical files say “est.” or "
    "“expert estimate”). It may still be anchored on the reference."
)
SOURCE_NOTE_HELP = "For curators: anchoring sources, ranges, caveats. Patients never see it."
SOURCE_REVIEW_HELP = (
    "Set when a figure changed while its reference, expert-estimate mark and note did not (in "
    "the admin or a spreadsheet import); cleared when the source is updated or a curator "
    "confirms it still supports the figure. For curators only: never exported or published."
)


def source_review_flag() -> models.BooleanField:
    """Whether the figure changed since its source was last updated or confirmed."""
    return models.BooleanField(
        "source not updated", default=False, editable=False, help_text=SOURCE_REVIEW_HELP
    )


class Reference(models.Model):
    """A publication or guideline that figures and conditions cite."""

    key = models.CharField(
        max_length=100,
        unique=True,
        help_text="Short unique key: first author, year, topic, e.g. fischer-1999-limping-child.",
    )
    citation = models.TextField(help_text="Full citation as it would appear in a bibliography.")
    url = models.URLField(max_length=500, blank=True, help_text="Link to the source, if any.")
    doi = models.CharField(
        max_length=200, blank=True, help_text="DOI without the https://doi.org/ prefix."
    )
    note = models.TextField(blank=True, help_text="Audit note: what was checked, and how.")

    history = ReasonedHistoricalRecords()

    class Meta:
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(key__regex=REFERENCE_KEY_PATTERN),
                name="reference_key_is_a_slug",
                violation_error_message=(
                    "The reference key must use lower-case letters, digits, hyphens, dots or "
                    "underscores, e.g. fischer-1999-limping-child."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.key


def source_reference() -> models.ForeignKey:
    """A figure's source: the reference it comes from, or empty for an expert estimate."""
    return models.ForeignKey(
        Reference,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=REFERENCE_HELP,
    )


class SourcedFigure(models.Model):
    """Abstract: a figure with its source — a reference, an expert-estimate mark, and a note."""

    reference = source_reference()
    expert_estimate = models.BooleanField(default=False, help_text=EXPERT_ESTIMATE_HELP)
    note = models.TextField(blank=True, help_text=SOURCE_NOTE_HELP)
    source_needs_review = source_review_flag()

    class Meta:
        abstract = True


# --- Draft knowledge ---


class AgeBand(models.Model):
    """An age band that condition priors are given for; bands are contiguous and never overlap."""

    code = models.CharField(
        max_length=20, unique=True, help_text="How the band is written, e.g. 16-49 or 50+."
    )
    min_age = models.PositiveSmallIntegerField(help_text="Youngest age in the band, inclusive.")
    max_age = models.PositiveSmallIntegerField(help_text="Oldest age in the band, inclusive.")

    history = ReasonedHistoricalRecords()

    class Meta:
        ordering = ["min_age"]
        constraints = [
            *age_range_constraints(prefix="ageband", what="an age band"),
            ExclusionConstraint(
                name="ageband_bands_do_not_overlap",
                expressions=[
                    (
                        # LEAST/GREATEST: a reversed band is reported by the check above,
                        # instead of PostgreSQL failing to build the range.
                        Func(
                            Least("min_age", "max_age"),
                            Greatest("min_age", "max_age"),
                            models.Value("[]"),
                            function="int4range",
                        ),
                        RangeOperators.OVERLAPS,
                    )
                ],
                violation_error_message=(
                    "This age band overlaps another band; each age must fall in exactly one band."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.code


class ScoringPolicy(models.Model):
    """The single row of scoring settings: plausibility threshold and baseline duration figures."""

    # One row only: the primary key is fixed at 1 and a check refuses any other.
    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    plausible_probability = models.FloatField(
        help_text=(
            "A condition ranked first, or at or above this likelihood, brings its urgency "
            "(triage policy §2). Write 0.10 for 10 %."
        )
    )
    baseline_le_2_weeks = models.FloatField(
        "baseline: lasted 2 weeks or less",
        help_text="Among everyone with hip pain: share whose pain has lasted ≤ 2 weeks.",
    )
    baseline_ge_6_weeks = models.FloatField(
        "baseline: lasted 6 weeks or more",
        help_text="Among everyone with hip pain: share whose pain has lasted ≥ 6 weeks.",
    )
    baseline_ge_12_weeks = models.FloatField(
        "baseline: lasted 12 weeks or more",
        help_text="Among everyone with hip pain: share whose pain has lasted ≥ 12 weeks.",
    )
    baseline_duration_reference = source_reference()
    baseline_duration_expert_estimate = models.BooleanField(
        default=False, help_text=EXPERT_ESTIMATE_HELP
    )
    baseline_duration_note = models.TextField(blank=True, help_text=SOURCE_NOTE_HELP)
    baseline_duration_source_needs_review = source_review_flag()
    # What the result page shows (issue 14): which conditions are listed, in which words, and
    # which answers are given as reasons. Clinical judgements, so data with their source.
    fits_probability = models.FloatField(
        "listed from",
        default=DEFAULT_RESULT_THRESHOLDS.fits_probability,
        help_text=(
            "A condition is listed on the result page when it is ranked first or at or above "
            "this likelihood (“fits your answers partly”); below it, only when ranked first "
            "(“fits your answers a little”). Write 0.10 for 10 %."
        ),
    )
    fits_well_probability = models.FloatField(
        "fits well from",
        default=DEFAULT_RESULT_THRESHOLDS.fits_well_probability,
        help_text=(
            "At or above this likelihood a listed condition “fits your answers well”. "
            "Write 0.40 for 40 %."
        ),
    )
    reason_likelihood_ratio = models.FloatField(
        "reason from likelihood ratio",
        default=DEFAULT_RESULT_THRESHOLDS.reason_likelihood_ratio,
        help_text=(
            "An answer is given as a reason for or against a condition when it multiplies the "
            "odds by at least this (for) or at most its inverse (against): 2 shows answers "
            "with a likelihood ratio of 2 or more, or 0.5 or less. At least 1."
        ),
    )
    result_thresholds_reference = source_reference()
    # The defaults above are expert estimates (the figures the result page used as constants).
    result_thresholds_expert_estimate = models.BooleanField(
        default=True, help_text=EXPERT_ESTIMATE_HELP
    )
    result_thresholds_note = models.TextField(blank=True, help_text=SOURCE_NOTE_HELP)
    # When the adaptive interview may stop and how full a page is (issue 16): how many
    # questions a person answers, so clinical judgements, data with their source.
    interview_stop_top_probability = models.FloatField(
        "stop when the first condition reaches",
        default=DEFAULT_INTERVIEW.stop_top_probability,
        help_text=(
            "The interview may stop when the first condition is at least this likely and at "
            "least “… times the second” below. Write 0.70 for 70 %."
        ),
    )
    interview_stop_top_ratio = models.FloatField(
        "… and is this many times the second",
        default=DEFAULT_INTERVIEW.stop_top_ratio,
        help_text="At least 1.",
    )
    interview_stop_min_gain = models.FloatField(
        "stop when no question is worth (bits)",
        default=DEFAULT_INTERVIEW.stop_min_gain,
        help_text=(
            "The interview may stop when no question left would tell more than this many bits "
            "about the conditions and the urgency (0 to 1)."
        ),
    )
    interview_opening_questions = models.PositiveSmallIntegerField(
        "opening questions",
        default=DEFAULT_INTERVIEW.opening_questions,
        help_text=(
            "Asked of everyone before the findings and counted with them (age, sex, how long, "
            "which side)."
        ),
    )
    interview_min_questions = models.PositiveSmallIntegerField(
        "at least this many questions",
        default=DEFAULT_INTERVIEW.min_questions,
        help_text="The opening questions included.",
    )
    interview_max_questions = models.PositiveSmallIntegerField(
        "at most this many questions",
        default=DEFAULT_INTERVIEW.max_questions,
        help_text="The opening questions included; warning signs are always asked.",
    )
    interview_page_size = models.PositiveSmallIntegerField(
        "questions on a page, at most", default=DEFAULT_INTERVIEW.page_size
    )
    interview_warning_page_size = models.PositiveSmallIntegerField(
        "warning signs on a page, at most",
        default=DEFAULT_INTERVIEW.warning_page_size,
        help_text="The warning signs are asked first, together, on pages of up to this many.",
    )
    interview_page_share = models.FloatField(
        "others on a page are worth at least",
        default=DEFAULT_INTERVIEW.page_share,
        help_text=(
            "A question joins the page of a more useful one on the same topic when it is worth "
            "at least this share of it (0 to 1)."
        ),
    )
    interview_not_sure_share = models.FloatField(
        "share of “not sure” answers",
        default=DEFAULT_INTERVIEW.not_sure_share,
        help_text="How often people cannot answer an ordinary question (0 to 1).",
    )
    interview_reference = source_reference()
    interview_expert_estimate = models.BooleanField(default=True, help_text=EXPERT_ESTIMATE_HELP)
    interview_note = models.TextField(blank=True, help_text=SOURCE_NOTE_HELP)

    history = ReasonedHistoricalRecords()

    class Meta:
        verbose_name = "scoring policy"
        verbose_name_plural = "scoring policy"
        constraints = [
            models.CheckConstraint(
                condition=Q(id=1),
                name="scoringpolicy_single_row",
                violation_error_message="There is only one scoring policy; edit the existing one.",
            ),
            probability_closed_constraint(
                "plausible_probability",
                name="scoringpolicy_plausible_probability_is_a_probability",
                what="The plausibility threshold",
            ),
            *duration_constraints(prefix="scoringpolicy", field_prefix="baseline_"),
            sourced_constraint(
                name="scoringpolicy_baseline_duration_is_sourced",
                prefix="baseline_duration_",
                what="The baseline duration figures",
            ),
            probability_closed_constraint(
                "fits_probability",
                name="scoringpolicy_fits_probability_is_a_probability",
                what="The likelihood from which a condition is listed",
            ),
            probability_closed_constraint(
                "fits_well_probability",
                name="scoringpolicy_fits_well_probability_is_a_probability",
                what="The likelihood from which a condition fits well",
            ),
            models.CheckConstraint(
                condition=Q(fits_well_probability__gte=F("fits_probability")),
                name="scoringpolicy_fits_well_not_below_fits",
                violation_error_message=(
                    "“Fits well from” must not be below “listed from”: a condition that fits "
                    "well is one that is listed."
                ),
            ),
            *(
                probability_closed_constraint(
                    f"interview_{name}",
                    name=f"scoringpolicy_interview_{name}_is_a_probability",
                    what=what,
                )
                for name, what in (
                    ("stop_top_probability", "The likelihood at which the interview may stop"),
                    ("stop_min_gain", "The gain below which the interview may stop"),
                    ("page_share", "The share of the best question's gain"),
                    ("not_sure_share", "The share of “not sure” answers"),
                )
            ),
            models.CheckConstraint(
                condition=Q(interview_stop_top_ratio__gte=1),
                name="scoringpolicy_interview_stop_top_ratio_at_least_1",
                violation_error_message="The first condition's lead over the second is at least 1.",
            ),
            models.CheckConstraint(
                condition=Q(interview_min_questions__lte=F("interview_max_questions"))
                & Q(interview_max_questions__gte=1)
                & Q(interview_page_size__gte=1)
                & Q(interview_warning_page_size__gte=1),
                name="scoringpolicy_interview_questions_in_order",
                violation_error_message=(
                    "The interview asks at least one question and at most as many as its maximum, "
                    "at least one a page: “at least” must not exceed “at most”."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reason_likelihood_ratio__gte=1),
                name="scoringpolicy_reason_likelihood_ratio_at_least_1",
                violation_error_message=(
                    "The likelihood ratio from which an answer is a reason must be at least 1 "
                    "(2 shows answers that double or halve the odds)."
                ),
            ),
            sourced_constraint(
                name="scoringpolicy_result_thresholds_are_sourced",
                prefix="result_thresholds_",
                what="The result page's thresholds",
            ),
        ]

    def __str__(self) -> str:
        return "Scoring policy"


class Finding(models.Model):
    """Something the person is asked about, and how common a yes is among all hip pain."""

    code = models.CharField(
        max_length=60, unique=True, help_text="Stable code used by rules and evidence, e.g. fever."
    )
    question = models.TextField(
        help_text="The question exactly as the person reads it, in plain words."
    )
    help_text = models.TextField(
        blank=True, help_text="One short sentence that helps the person answer, or empty."
    )
    question_for_child = models.TextField(
        blank=True,
        help_text=(
            "The question as a parent reads it about their child under 16: “Has your child had "
            "a fever…?”. Empty: the question above is asked."
        ),
    )
    help_text_for_child = models.TextField(
        blank=True, help_text="The help as a parent reads it about their child, or empty."
    )
    statement_yes = models.TextField(
        "statement for a yes",
        blank=True,
        help_text=(
            "What a yes says, as the result page gives it as a reason, addressed to the person: "
            "“You have had a red rash across your cheeks”. Empty: the question and the answer."
        ),
    )
    statement_no = models.TextField(
        "statement for a no",
        blank=True,
        help_text=(
            "What a no says, as the result page gives it as a reason: “You do not have "
            "stiffness in the morning”. Empty: the question and the answer."
        ),
    )
    statement_yes_for_child = models.TextField(
        "statement for a yes, about a child",
        blank=True,
        help_text=(
            "A yes as a parent reads it about their child under 16: “Your child has had a "
            "temperature…”. Empty: the statement above."
        ),
    )
    statement_no_for_child = models.TextField(
        "statement for a no, about a child",
        blank=True,
        help_text="A no as a parent reads it about their child. Empty: the statement above.",
    )
    answer_type = models.CharField(
        max_length=10, choices=AnswerType.choices, default=AnswerType.YES_NO
    )
    section = models.CharField(
        max_length=30,
        choices=QuestionnaireSection.choices,
        help_text="Questionnaire page it is asked on.",
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Position within its section (smaller first)."
    )
    min_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Asked only from this age (inclusive); empty for any age."
    )
    max_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Asked only up to this age (inclusive); empty for any age."
    )
    blocks_self_care = models.BooleanField(
        default=False,
        help_text=(
            "Part of the inflammatory or systemic pattern: a yes rules out self-care advice "
            "(triage policy §2)."
        ),
    )
    allows_not_sure = models.BooleanField(
        "may be answered “not sure”",
        default=True,
        help_text=(
            "Untick for a warning sign the person knows from their own experience (a fall, "
            "whether they can stand on the leg): it is asked as yes / no (triage-policy.md §3)."
        ),
    )
    follow_up_for = models.ForeignKey(
        "self",
        # Deleting the finding it follows up leaves this one an ordinary question.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text=(
            "Asked only when that finding is answered “not sure”; its answer then counts as "
            "that finding's (a temperature not measured: “Do you feel hot or shivery?”)."
        ),
    )
    implies = models.ForeignKey(
        "self",
        # Deleting the implied finding leaves the other one standing on its own.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="implied_by",
        help_text=(
            "A finding that a yes to this one implies (stiff for over an hour → stiff for over "
            "30 minutes), so that the pair is not counted twice. Its frequency must not exceed "
            "the implied finding's for any condition."
        ),
    )
    baseline_adult = models.FloatField(
        help_text=(
            "Share answering yes among all adults (16+) consulting with hip pain; "
            "strictly between 0 and 1."
        )
    )
    baseline_child = models.FloatField(
        help_text=(
            "Share answering yes among all children (under 16) consulting with hip pain; "
            "strictly between 0 and 1."
        )
    )
    baseline_reference = source_reference()
    baseline_expert_estimate = models.BooleanField(default=False, help_text=EXPERT_ESTIMATE_HELP)
    baseline_note = models.TextField(blank=True, help_text=SOURCE_NOTE_HELP)
    baseline_source_needs_review = source_review_flag()

    history = ReasonedHistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [
            code_format_constraint(name="finding_code_format", what="finding"),
            *age_range_constraints(prefix="finding", what="the question"),
            probability_open_constraint(
                "baseline_adult",
                name="finding_baseline_adult_is_a_probability",
                what="The adult baseline",
            ),
            probability_open_constraint(
                "baseline_child",
                name="finding_baseline_child_is_a_probability",
                what="The child baseline",
            ),
            sourced_constraint(
                name="finding_baseline_is_sourced", prefix="baseline_", what="The baseline figures"
            ),
            models.CheckConstraint(
                condition=~models.Q(implies=models.F("pk")),
                name="finding_does_not_imply_itself",
                violation_error_message="A finding cannot imply itself.",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Condition(models.Model):
    """A condition that can cause hip pain, with what a patient reads about it and its urgency."""

    code = models.CharField(
        max_length=60, unique=True, help_text="Stable code, e.g. rheumatoid_arthritis."
    )
    name = models.CharField(
        max_length=200, help_text="Everyday name first, e.g. “Rheumatoid arthritis”."
    )
    summary = models.TextField(
        help_text="What a patient reads: 2–4 short sentences in plain language."
    )
    category = models.CharField(max_length=20, choices=ConditionCategory.choices)
    is_other_causes = models.BooleanField(
        "is the “other causes” class",
        default=False,
        help_text=(
            "Only the condition other_causes: causes outside the named list. It is scored but "
            "shown apart and never ranked."
        ),
    )
    min_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Youngest age it is considered at (inclusive)."
    )
    max_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Oldest age it is considered at (inclusive)."
    )
    female_share = models.FloatField(
        help_text="Share of cases who are women: 3:1 women to men is 0.75; 0.5 when even."
    )
    female_share_reference = source_reference()
    female_share_expert_estimate = models.BooleanField(
        default=False, help_text=EXPERT_ESTIMATE_HELP
    )
    female_share_note = models.TextField(blank=True, help_text=SOURCE_NOTE_HELP)
    female_share_source_needs_review = source_review_flag()
    urgency = models.CharField(
        max_length=10,
        choices=TriageLevel.choices,
        help_text="The level this condition brings when it is plausible (triage policy §2).",
    )
    self_care_max_duration_weeks = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=(
            "Self-care is advised when the pain has lasted this many weeks or less and nothing "
            "else is of concern (2 for osteoarthritis). Empty: never self-care."
        ),
    )
    doctor_checks = models.TextField(
        blank=True, help_text="What a doctor may check (blood tests, imaging), in plain language."
    )
    management = models.TextField(
        blank=True, help_text="How it is usually managed, in plain language."
    )
    icd10 = models.CharField(
        "ICD-10", max_length=100, blank=True, help_text="e.g. M05, M06; empty if none."
    )
    snomed_ct = models.CharField(
        "SNOMED CT",
        max_length=100,
        blank=True,
        help_text="Concept id, or empty when none is confirmed.",
    )
    references = models.ManyToManyField(
        Reference,
        blank=True,
        related_name="conditions",
        help_text="General references for the condition.",
    )

    objects = ConditionQuerySet.as_manager()
    history = ReasonedHistoricalRecords(m2m_fields=[references])

    class Meta:
        ordering = ["code"]
        constraints = [
            code_format_constraint(name="condition_code_format", what="condition"),
            *age_range_constraints(prefix="condition", what="the condition"),
            probability_closed_constraint(
                "female_share", name="condition_female_share_is_a_share", what="The share of women"
            ),
            sourced_constraint(
                name="condition_female_share_is_sourced",
                prefix="female_share_",
                what="The share of women",
            ),
            models.UniqueConstraint(
                fields=["is_other_causes"],
                condition=Q(is_other_causes=True),
                name="condition_one_other_causes_class",
                violation_error_message="Only one condition can be the “other causes” class.",
            ),
            models.CheckConstraint(
                condition=Q(is_other_causes=False) | Q(code=OTHER_CAUSES_CODE),
                name="condition_other_causes_class_is_coded_other_causes",
                violation_error_message="The “other causes” class must have the code other_causes.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ConditionPrior(SourcedFigure):
    """How likely the condition is the cause, among people with hip pain in one age band."""

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="priors")
    age_band = models.ForeignKey(AgeBand, on_delete=models.PROTECT, related_name="priors")
    probability = models.FloatField(
        help_text=(
            "P(this is the cause | hip pain, age band), from 0 to 1; 0 where it does not occur."
        )
    )

    history = ReasonedHistoricalRecords()

    class Meta:
        ordering = ["condition__code", "age_band__min_age"]
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "age_band"],
                name="conditionprior_one_per_age_band",
                violation_error_message="This condition already has a prior for this age band.",
            ),
            probability_closed_constraint(
                "probability", name="conditionprior_probability_is_a_probability", what="The prior"
            ),
            sourced_constraint(name="conditionprior_is_sourced", what="The prior"),
        ]

    def __str__(self) -> str:
        return f"{self.condition.code} {self.age_band.code}"


class DurationEvidence(SourcedFigure):
    """How long the pain has usually lasted when this condition is the cause."""

    condition = models.OneToOneField(Condition, on_delete=models.CASCADE, related_name="duration")
    le_2_weeks = models.FloatField(
        "lasted 2 weeks or less",
        help_text="Share of people with this condition whose pain has lasted ≤ 2 weeks.",
    )
    ge_6_weeks = models.FloatField(
        "lasted 6 weeks or more", help_text="Share whose pain has lasted ≥ 6 weeks."
    )
    ge_12_weeks = models.FloatField(
        "lasted 12 weeks or more",
        help_text="Share whose pain has lasted ≥ 12 weeks (at most the 6-week share).",
    )

    history = ReasonedHistoricalRecords()

    class Meta:
        verbose_name = "duration evidence"
        verbose_name_plural = "duration evidence"
        ordering = ["condition__code"]
        constraints = [
            *duration_constraints(prefix="durationevidence"),
            sourced_constraint(name="durationevidence_is_sourced", what="The duration figures"),
        ]

    def __str__(self) -> str:
        return f"duration of {self.condition.code}"


POPULATION_HELP = "A row for adults or children wins over the row for everyone."
SENSITIVITY_HELP = (
    "P(yes | this condition), strictly between 0 and 1 (write 0.35 for 35 %). From a study of "
    "people with hip pain that gives a specificity too, this is the study's sensitivity."
)
SPECIFICITY_HELP = (
    "Only for a figure from a study of people with the same complaint (hip pain) that reports "
    "sensitivity and specificity; empty otherwise. The probability is then the study's "
    "sensitivity, P(yes | this condition), and this its specificity, P(no | other causes of hip "
    "pain), strictly between 0 and 1: 1 − specificity is used instead of the finding's "
    "baseline. A yes multiplies the odds by LR+ = sensitivity / (1 − specificity), a no by "
    "LR− = (1 − sensitivity) / specificity; the sensitivity must be above 1 − specificity."
)


class FindingFrequency(SourcedFigure):
    """Abstract: how often people with a condition (or one of its forms) answer yes to a finding,
    for everyone or one population, and, from a study of the same complaint, the specificity."""

    population = models.CharField(
        max_length=10, choices=Population.choices, default=Population.ALL, help_text=POPULATION_HELP
    )
    probability = models.FloatField(help_text=SENSITIVITY_HELP)
    specificity = models.FloatField(null=True, blank=True, help_text=SPECIFICITY_HELP)

    class Meta:
        abstract = True

    @property
    def likelihood_ratios(self) -> tuple[float, float] | None:
        """(LR+, LR−) that the sensitivity and specificity imply; None without a specificity."""
        if self.specificity is None or self.probability is None:
            return None
        if not 0 < self.specificity < 1 or not 0 < self.probability < 1:
            return None
        return (
            self.probability / (1 - self.specificity),
            (1 - self.probability) / self.specificity,
        )


def finding_frequency_constraints(*, prefix: str, owner: str) -> list[models.BaseConstraint]:
    """One row per ``owner`` (a condition or a form), finding and population; the probability,
    and the specificity when given, are probabilities strictly between 0 and 1, a study's yes
    speaks for the condition (sensitivity above 1 − specificity), and the row is sourced."""
    return [
        models.UniqueConstraint(
            fields=[owner, "finding", "population"],
            name=f"{prefix}_one_per_{owner}_finding_population",
            violation_error_message=(
                f"This {owner} already has a figure for this finding and population."
            ),
        ),
        probability_open_constraint(
            "probability", name=f"{prefix}_probability_is_a_probability", what="The probability"
        ),
        # A NULL specificity (not given) passes a CHECK.
        probability_open_constraint(
            "specificity", name=f"{prefix}_specificity_is_a_probability", what="The specificity"
        ),
        models.CheckConstraint(
            condition=Q(specificity__isnull=True) | Q(probability__gt=1 - F("specificity")),
            name=f"{prefix}_study_yes_speaks_for_the_condition",
            violation_error_message=(
                "The sensitivity (the probability) is not above 1 − specificity, so a yes would "
                "make the condition less likely although the study reports it as a sign of it "
                "(LR+ would be 1 or less). Check both figures against the study."
            ),
        ),
        sourced_constraint(name=f"{prefix}_is_sourced", what="The probability"),
    ]


class Evidence(FindingFrequency):
    """How often people with a condition answer yes to a finding: P(yes | condition)."""

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="evidence")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="evidence")

    history = ReasonedHistoricalRecords()

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["condition__code", "finding__code", "population"]
        constraints = finding_frequency_constraints(prefix="evidence", owner="condition")

    def __str__(self) -> str:
        return f"{self.condition.code} · {self.finding.code} ({self.population})"


class ConditionForm(SourcedFigure):
    """A distinct form of a condition (enthesitis-related arthritis, of juvenile idiopathic
    arthritis): its share of the condition's cases and, in ``evidence``, its own figures. The
    condition is scored as the mixture of its forms; a finding without a row of the form uses
    the condition's row. The shares of a condition's forms add up to 1, checked when the
    drafts are published (and on the condition's page)."""

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="forms")
    code = models.CharField(
        max_length=60,
        help_text="Stable code, unique within the condition, e.g. enthesitis_related.",
    )
    name = models.CharField(
        max_length=200, help_text="Everyday name, e.g. “Enthesitis-related arthritis”."
    )
    description = models.TextField(
        blank=True,
        help_text=(
            "One line a person reads, in plain words, e.g. “The type that affects where tendons "
            "attach and the lower back, mostly in older boys.”"
        ),
    )
    share = models.FloatField(
        help_text=(
            "Share of the condition's cases that are this form, strictly between 0 and 1 "
            "(write 0.15 for 15 %). The shares of a condition's forms add up to 1."
        )
    )

    history = ReasonedHistoricalRecords()

    class Meta:
        verbose_name = "condition form"
        ordering = ["condition__code", "code"]
        constraints = [
            code_format_constraint(name="conditionform_code_format", what="form"),
            models.UniqueConstraint(
                fields=["condition", "code"],
                name="conditionform_one_per_condition_code",
                violation_error_message="This condition already has a form with this code.",
            ),
            models.CheckConstraint(
                condition=Q(share__gt=0, share__lt=1),
                name="conditionform_share_is_a_share",
                violation_error_message=(
                    "The share of a form must be strictly between 0 and 1 (write 0.15 for "
                    "15 %%): a form with every case or none is not a form. The shares of a "
                    "condition's forms add up to 1."
                ),
            ),
            sourced_constraint(name="conditionform_is_sourced", what="The share"),
        ]

    def __str__(self) -> str:
        return f"{self.condition.code} · {self.code}"


class FormEvidence(FindingFrequency):
    """How often people with one form of a condition answer yes to a finding; the form's row
    is used instead of the condition's for that finding and population."""

    form = models.ForeignKey(ConditionForm, on_delete=models.CASCADE, related_name="evidence")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="form_evidence")

    history = ReasonedHistoricalRecords()

    class Meta:
        verbose_name = "form evidence"
        verbose_name_plural = "form evidence"
        ordering = ["form__condition__code", "form__code", "finding__code", "population"]
        constraints = finding_frequency_constraints(prefix="formevidence", owner="form")

    def __str__(self) -> str:
        return f"{self.form} · {self.finding.code} ({self.population})"


class RedFlagRule(SourcedFigure):
    """A combination of answers that sets the urgency regardless of the condition scores."""

    code = models.CharField(
        max_length=60, unique=True, help_text="Stable code, e.g. trauma_unable_to_bear_weight."
    )
    name = models.CharField(
        max_length=200, help_text="For curators, e.g. “Suspected hip fracture”."
    )
    urgency = models.CharField(max_length=10, choices=TriageLevel.choices)
    concern = models.CharField(
        max_length=200,
        help_text=(
            "What the warning sign may mean, in plain words the person understands, e.g. "
            "“pressure on the nerves at the base of the spine (cauda equina syndrome)”. The "
            "result leads with it when the rule sets the level."
        ),
    )
    concern_conditions = models.ManyToManyField(
        "Condition",
        blank=True,
        related_name="red_flag_rules",
        help_text=(
            "The conditions this rule is there to catch. An emergency rule guards them: while "
            "its warning signs are unanswered and none is answered yes, such a condition brings "
            "a same-day level, not an emergency (triage-policy.md §3)."
        ),
    )
    cap_unless_ranked_first = models.BooleanField(
        "cap unless ranked first",
        default=False,
        help_text=(
            "With qualifier findings confirmed “no”, the rule's level replaces its concern "
            "conditions' levels; tick to keep a concern's own level when it ranks first "
            "(adult fever: septic arthritis ranked first stays an emergency)."
        ),
    )
    if_unanswered = models.TextField(
        help_text=(
            "What the person reads when this rule's warning signs are unanswered and would raise "
            "the level, action first, e.g. “If you cannot put weight on the leg, call 999.”"
        ),
    )
    min_age = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Fires only from this age (inclusive, whole years); empty for any age.",
    )
    max_age = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Fires only up to this age (inclusive, whole years); empty for any age.",
    )
    duration_min_weeks = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Fires only if the pain has lasted at least this many weeks (unknown: fires).",
    )
    duration_below_weeks = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Fires only if the pain has lasted less than this many weeks (unknown: fires).",
    )
    message = models.TextField(help_text="What the person reads: plain words, action first.")
    reason = models.TextField(
        help_text="Why, for the result page and curators, e.g. “Suspected hip fracture”."
    )

    objects = RedFlagRuleQuerySet.as_manager()
    history = ReasonedHistoricalRecords(m2m_fields=[concern_conditions])

    class Meta:
        verbose_name = "red-flag rule"
        ordering = ["code"]
        constraints = [
            code_format_constraint(name="redflagrule_code_format", what="red-flag rule"),
            *age_range_constraints(prefix="redflagrule", what="the rule"),
            models.CheckConstraint(
                condition=Q(duration_min_weeks__lt=F("duration_below_weeks")),
                name="redflagrule_duration_window_not_empty",
                violation_error_message=(
                    "“At least … weeks” must be below “less than … weeks”, otherwise the rule "
                    "can never fire."
                ),
            ),
            sourced_constraint(name="redflagrule_is_sourced", what="The rule"),
            # Naming at least one finding required present or in “any of” is a deferred
            # constraint trigger (migration 0002): the rule and its findings are saved one
            # after the other, so it can only be checked at commit.
        ]

    def __str__(self) -> str:
        return self.name


class RedFlagCriterion(models.Model):
    """One finding a red-flag rule looks at, and what the answer must be."""

    rule = models.ForeignKey(RedFlagRule, on_delete=models.CASCADE, related_name="criteria")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="red_flag_criteria")
    requirement = models.CharField(
        max_length=20, choices=Requirement.choices, default=Requirement.PRESENT
    )

    history = ReasonedHistoricalRecords()

    class Meta:
        verbose_name = "red-flag criterion"
        verbose_name_plural = "red-flag criteria"
        ordering = ["rule__code", "finding__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "finding"],
                name="redflagcriterion_one_per_finding",
                violation_error_message="This rule already names this finding.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.finding.code}: {self.get_requirement_display()}"


# --- Published versions ---


class KnowledgeBaseVersion(models.Model):
    """An immutable, numbered snapshot of the knowledge base: what patients are scored against."""

    number = models.PositiveIntegerField(unique=True, editable=False)
    document = models.JSONField(
        editable=False,
        help_text="The knowledge-file document (docs/knowledge-format.md), lists sorted by code.",
    )
    checksum = models.CharField(max_length=64, editable=False, help_text="SHA-256 of the document.")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # PROTECT: who published a version stays known for as long as the version exists.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="published_knowledge_base_versions",
        help_text="Empty when published by load_knowledge_base --publish.",
    )
    published_at = models.DateTimeField(default=timezone.now, editable=False)
    note = models.TextField(blank=True, editable=False, help_text="What changed, and why.")
    reviewed_changes = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text=(
            "What the publisher reviewed: each field changed since the previous version, "
            "old → new, with who changed it, when, why, and the figure's source."
        ),
    )
    bench = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "The clinical test bench run on the publish page: the curators' vignettes scored by "
            "this version and by the previous one, side by side. Empty when no bench ran."
        ),
    )
    safety_acknowledgement = models.TextField(
        blank=True,
        editable=False,
        help_text=(
            "When the test bench showed this version misses an emergency or under-triages a "
            "case the previous one did not: the publisher's reason for publishing it anyway."
        ),
    )

    objects = KnowledgeBaseVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        # Versions are never added, changed or deleted by hand; only viewed, or published.
        default_permissions = ("view",)
        permissions = [("publish_knowledgebaseversion", "Can publish the knowledge base")]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1), name="knowledgebaseversion_number_from_1"
            ),
            models.CheckConstraint(
                condition=Q(checksum__regex=r"^[0-9a-f]{64}$"),
                name="knowledgebaseversion_checksum_is_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"

    def save(self, *args, **kwargs) -> None:
        # A published version is evidence of what patients were shown; it is written once.
        # The database refuses updates and deletes too (trigger in migration 0002).
        if not self._state.adding:
            raise KnowledgeBaseVersionImmutable(
                f"Version {self.number} is published and cannot be changed; publish a new version."
            )
        if not self.checksum:
            # Derived from the document, so a version created directly still carries it.
            self.checksum = knowledge_canonical.checksum(self.document)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise KnowledgeBaseVersionImmutable(
            f"Version {self.number} is published and cannot be deleted; publish a new version."
        )


class KnowledgeBaseVersionImmutable(Exception):
    """Raised on an attempt to change or delete a published knowledge-base version."""
