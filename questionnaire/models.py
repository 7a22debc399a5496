"""What is kept of a completed assessment: anonymous, minimal, and deleted after a while."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.db import models


class CompletedAssessmentQuerySet(models.QuerySet["CompletedAssessment"]):
    def older_than(self, days: int, *, today: date) -> CompletedAssessmentQuerySet:
        return self.filter(completed_on__lt=today - timedelta(days=days))


class CompletedAssessment(models.Model):
    """One completed questionnaire, kept for audit and aggregate figures.

    Deliberately holds no personal identifier: no name, e-mail, IP address, user agent or
    free text; only the answers (age, sex, duration, yes/no findings), the result, the
    knowledge-base version that produced it, and the day (not the time) it was completed.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    completed_on = models.DateField(default=date.today)
    knowledge_base_version = models.PositiveIntegerField()
    answers = models.JSONField(help_text="Age, sex, duration in weeks and yes/no findings.")
    result = models.JSONField(help_text="Urgency, red flags fired and the ranked conditions.")
    interrupted = models.BooleanField(
        default=False, help_text="Stopped early by an emergency warning sign."
    )

    objects = CompletedAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on"]
        indexes = [models.Index(fields=["completed_on"], name="assessment_completed_on")]

    def __str__(self) -> str:
        return f"Assessment of {self.completed_on} (knowledge base v{self.knowledge_base_version})"
