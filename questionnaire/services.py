"""Writes of the questionnaire: keeping and forgetting completed assessments."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from conditions.engine import Assessment
from questionnaire.models import CompletedAssessment

# Only what an audit needs of the ranking: the first few codes with their probabilities.
RESULT_CONDITIONS_KEPT = 5


def completed_assessment_create(
    *, answers: dict[str, Any], assessment: Assessment, interrupted: bool
) -> CompletedAssessment:
    """Keep an anonymous copy of a completed assessment."""
    return CompletedAssessment.objects.create(
        knowledge_base_version=assessment.knowledge_base_version,
        answers=answers,
        result={
            "triage": str(assessment.triage),
            "fired_red_flags": list(assessment.fired_red_flags),
            "conditions": [
                {"code": ranked.code, "probability": round(ranked.probability, 4)}
                for ranked in assessment.conditions[:RESULT_CONDITIONS_KEPT]
            ],
            "other_causes": round(assessment.other_causes, 4),
            # What the person was told to watch for: unanswered warning signs and their level.
            "unanswered_warning_signs": [
                {"rule": sign.rule, "urgency": str(sign.urgency)}
                for sign in assessment.unanswered_warning_signs
            ],
        },
        interrupted=interrupted,
    )


def completed_assessment_delete(*, assessment_id: UUID | str) -> None:
    """Forget one assessment at the person's request."""
    CompletedAssessment.objects.filter(id=assessment_id).delete()


def completed_assessments_expire(*, retention_days: int, today: date | None = None) -> int:
    """Delete assessments older than the retention limit; return how many were deleted."""
    deleted, _ = CompletedAssessment.objects.older_than(
        retention_days, today=today or date.today()
    ).delete()
    return deleted
