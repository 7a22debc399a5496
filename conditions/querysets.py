"""Named queries on the knowledge-base models: the one place recurring filters are written."""

from __future__ import annotations

from typing import Self

from django.db import models


class ConditionQuerySet(models.QuerySet["Condition"]):
    def with_knowledge(self) -> Self:
        """Everything the scoring needs about each condition, in a fixed number of queries."""
        return self.select_related("duration").prefetch_related("references", "priors", "evidence")


class RedFlagRuleQuerySet(models.QuerySet["RedFlagRule"]):
    def with_criteria(self) -> Self:
        return self.prefetch_related("criteria", "concern_conditions")


class KnowledgeBaseVersionQuerySet(models.QuerySet["KnowledgeBaseVersion"]):
    def latest_first(self) -> Self:
        return self.order_by("-number")

    def latest_number(self) -> int | None:
        """The number of the latest published version, or None before the first publish."""
        return self.latest_first().values_list("number", flat=True).first()
