"""Reads of the clinical vignettes, shaped for their callers as plain data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bench.models import ClinicalVignette
from conditions.engine import KnowledgeBase
from conditions.published import NoPublishedKnowledgeBase, published_knowledge_base


def active_vignette_cases() -> list[dict[str, Any]]:
    """The active vignettes as cases in the file format (vignettes/README.md), by case id."""
    return vignette_cases(ClinicalVignette.objects.active())


def vignette_cases(vignettes: Iterable[ClinicalVignette]) -> list[dict[str, Any]]:
    """The given vignettes as cases in the file format, by case id: what an export writes."""
    return [vignette.as_case() for vignette in sorted(vignettes, key=lambda v: v.code)]


def published_knowledge_base_or_none() -> KnowledgeBase | None:
    """The engine snapshot of the latest published version, or None before the first publish."""
    try:
        return published_knowledge_base()
    except NoPublishedKnowledgeBase:
        return None
