"""Named queries on the clinical vignettes."""

from __future__ import annotations

from typing import Self

from django.db import models


class ClinicalVignetteQuerySet(models.QuerySet["ClinicalVignette"]):
    def active(self) -> Self:
        """The cases run before publishing (a retired case is kept, but not run)."""
        return self.filter(active=True)
