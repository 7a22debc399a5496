"""The bench's work: the comparison the publish page shows, importing and seeding vignettes.

``compare_with_published`` is what the publish page calls: it reads the active vignettes, builds
the engine snapshots of both documents and hands them to the pure ``bench.comparison``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db import IntegrityError, transaction

from bench.comparison import BenchComparison, compare_knowledge_bases, draft_not_run
from bench.models import ClinicalVignette
from bench.selectors import ImportPlan, PlannedCase, active_vignette_cases, vignette_import_plan
from conditions import knowledge_file
from conditions.engine import KnowledgeBase, KnowledgeBaseError, knowledge_base_from_document

# Snapshot numbers for the comparison's own use: the draft has no number yet, and the published
# document is given without its number. Neither reaches a patient or a stored result.
DRAFT_VERSION = 0
PUBLISHED_VERSION = 0


def compare_with_published(
    draft_document: dict[str, Any], published_document: dict[str, Any] | None
) -> BenchComparison:
    """Run the draft and the published knowledge documents over the active clinical vignettes.

    ``draft_document`` is the drafts as a knowledge document
    (``conditions.selectors.knowledge_base_document()``); ``published_document`` the latest
    published version's ``document``, or None before the first publish. Never raises for a
    document that cannot be built: the comparison says so (``draft_problems``).
    """
    started = time.perf_counter()
    vignettes = active_vignette_cases()
    published, published_problems = (
        (None, []) if published_document is None else _built(published_document, PUBLISHED_VERSION)
    )
    draft, draft_problems = _built(draft_document, DRAFT_VERSION)
    if draft is None:
        comparison = draft_not_run(
            draft_problems, published, vignettes, published_problems=published_problems
        )
    else:
        comparison = compare_knowledge_bases(
            draft, published, vignettes, published_problems=published_problems
        )
    return replace(comparison, elapsed_ms=(time.perf_counter() - started) * 1000)


def _built(document: Any, version: int) -> tuple[KnowledgeBase | None, list[str]]:
    """The engine snapshot of ``document``, or None and the problems in the curators' words."""
    try:
        return knowledge_base_from_document(document, version=version), []
    except (KnowledgeBaseError, KeyError, TypeError, ValueError, AttributeError) as error:
        # The validator names the gap as the publish page does (a missing scoring policy, a
        # condition without duration figures); the engine's own message is the fallback.
        problems = knowledge_file.validate(document) if isinstance(document, dict) else []
        return None, problems or [f"The knowledge base cannot be built: {error}"]


# --- Importing and seeding ---


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


class ImportRefused(Exception):
    """The plan has problems (or nothing to do); nothing was written."""


@transaction.atomic
def clinical_vignettes_import(*, plan: ImportPlan, reason: str) -> ImportResult:
    """Create and update the vignettes as ``plan`` says, all or nothing; each change is kept in
    the history with ``reason`` (e.g. the file's name)."""
    if plan.errors:
        raise ImportRefused("The file has problems; nothing was imported.")
    held = {
        vignette.code: vignette
        for vignette in ClinicalVignette.objects.select_for_update().filter(
            code__in=[case.code for case in plan.updates]
        )
    }
    for case in (*plan.creates, *plan.updates):
        vignette = held.get(case.code) or ClinicalVignette(code=case.code)
        for name, value in case.fields.items():
            setattr(vignette, name, value)
        vignette.full_clean()
        vignette._change_reason = reason[:100]
        vignette.save()
    return ImportResult(
        created=len(plan.creates), updated=len(plan.updates), unchanged=len(plan.unchanged)
    )


@dataclass(frozen=True)
class SeedResult:
    created: int
    skipped: tuple[PlannedCase, ...]  # cases not loaded, with their problems


def clinical_vignettes_seed(
    *, cases: Sequence[Mapping[str, Any]], reason: str
) -> SeedResult | None:
    """Load the cases into an EMPTY table of vignettes; None (nothing written) if it holds any.

    A case the latest published knowledge base cannot assess (a finding or condition it does not
    hold) is skipped and reported, not fatal: start-up must not stop over one case.
    """
    try:
        with transaction.atomic():
            if ClinicalVignette.objects.exists():
                return None
            plan = vignette_import_plan(cases)
            loadable = replace(
                plan, cases=tuple(case for case in plan.cases if case.action == "create")
            )
            clinical_vignettes_import(plan=loadable, reason=reason)
    except IntegrityError:
        # Another process seeded the table between the check and the load.
        return None
    return SeedResult(
        created=len(loadable.creates),
        skipped=tuple(case for case in plan.cases if case.action == "error"),
    )
