"""Clinical vignettes: test cases curators keep in the admin, run over every draft before it is
published (``bench.services.compare_with_published``).

A case has the shape of vignettes/README.md: the answers a person would give, the condition that
should rank first (and others also fine in the top three) and the urgency a careful clinician
would expect. ``clean()`` checks the answers and the codes against the latest published knowledge
base, in the words ``bench.vignette_format`` uses for imported files.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.lookups import Exact
from simple_history.models import HistoricalRecords

from bench import vignette_format
from bench.querysets import ClinicalVignetteQuerySet
from conditions.choices import TriageLevel


def _json_type_is(field: str, json_type: str) -> Exact:
    return Exact(
        Func(F(field), function="jsonb_typeof", output_field=models.CharField()), json_type
    )


class ClinicalVignette(models.Model):
    """One test case: answers, the expected first condition and urgency, and a curator's note."""

    code = models.CharField(
        "case id",
        max_length=vignette_format.ID_MAX_LENGTH,
        unique=True,
        validators=[RegexValidator(vignette_format.ID_PATTERN, vignette_format.ID_MESSAGE)],
        help_text="A short unique name for the case, e.g. dev-42 (the “id” in vignette files).",
    )
    narrative = models.TextField(
        help_text="The case in two to four sentences, as the person or a relative would tell it."
    )
    source = models.TextField(
        blank=True,
        help_text="Where the pattern comes from: a guideline, classification criteria or a study.",
    )
    answers = models.JSONField(
        help_text=(
            "Exactly what the questionnaire takes, e.g. "
            '{"age": 47, "sex": "female", "duration_weeks": 14, "findings": {"fever": false}}. '
            "Age in whole years (a 20-month-old is 1); duration_weeks null when not known. "
            "A finding left out is “not sure”, never “no”."
        )
    )
    expected_top = models.CharField(
        "expected first condition",
        max_length=60,
        help_text="The code of the condition that should rank first, e.g. septic_arthritis.",
    )
    acceptable = models.JSONField(
        "also acceptable in the top three",
        default=list,
        blank=True,
        help_text=(
            "Other condition codes that are fine to see in the top three, as a list: "
            '["psoriatic_arthritis"], or [] for none. The expected condition must be in the '
            "top three in any case."
        ),
    )
    expected_triage = models.CharField(
        "expected urgency",
        max_length=20,
        choices=TriageLevel.choices,
        help_text="The urgency a careful clinician would give, by the project's triage policy.",
    )
    note = models.TextField(
        blank=True,
        help_text="For curators: why the case is on the bench, what it guards against.",
    )
    active = models.BooleanField(
        default=True,
        help_text="Only active cases are run before publishing. Untick to retire a case and "
        "keep it.",
    )

    history = HistoricalRecords()

    objects = ClinicalVignetteQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=vignette_format.ID_PATTERN),
                name="clinicalvignette_code_is_a_slug",
                violation_error_message=vignette_format.ID_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(expected_triage__in=TriageLevel.values),
                name="clinicalvignette_expected_triage_is_a_level",
                violation_error_message="The expected urgency must be one of the five levels.",
            ),
            models.CheckConstraint(
                condition=_json_type_is("answers", "object"),
                name="clinicalvignette_answers_is_an_object",
                violation_error_message="The answers must be an object with age, sex, "
                "duration_weeks and findings.",
            ),
            models.CheckConstraint(
                condition=_json_type_is("acceptable", "array"),
                name="clinicalvignette_acceptable_is_a_list",
                violation_error_message="The acceptable conditions must be a list of codes.",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def as_case(self) -> dict[str, Any]:
        """The case in the vignette-file format (vignettes/README.md), with its note if any."""
        case: dict[str, Any] = {
            "id": self.code,
            "source": self.source,
            "narrative": self.narrative,
            "answers": _in_file_order(self.answers),
            "expected_top": self.expected_top,
            "acceptable": self.acceptable,
            "expected_triage": self.expected_triage,
        }
        if self.note:
            case["note"] = self.note
        return case

    def clean(self) -> None:
        super().clean()
        # The id, urgency, narrative and source are checked by their fields; here what only the
        # knowledge base can tell: are the answers and condition codes ones it knows? A field
        # already reported empty by its own check is not reported twice.
        from bench.selectors import published_knowledge_base_or_none

        knowledge_base = published_knowledge_base_or_none()
        problems = {}
        if self.answers not in (None, {}):
            problems["answers"] = vignette_format.answers_problems(self.answers, knowledge_base)
        if self.expected_top:
            problems["expected_top"] = vignette_format.expected_top_problems(
                self.expected_top, knowledge_base
            )
        if self.acceptable is not None:
            problems["acceptable"] = vignette_format.acceptable_problems(
                self.acceptable, knowledge_base
            )
        problems = {field: messages for field, messages in problems.items() if messages}
        if problems:
            raise ValidationError(problems)


ANSWER_ORDER = ("age", "sex", "duration_weeks", "findings")


def _in_file_order(answers: Any) -> Any:
    # PostgreSQL's jsonb keeps keys in its own order (shortest first); an exported file reads
    # better in the order the project's files use.
    if not isinstance(answers, dict):
        return answers
    ordered = {key: answers[key] for key in ANSWER_ORDER if key in answers}
    return {**ordered, **answers}
