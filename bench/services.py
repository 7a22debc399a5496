"""The bench's work: the comparison the publish page shows.

``compare_with_published`` is what the publish page calls: it reads the active vignettes, builds
the engine snapshots of both documents and hands them to the pure ``bench.comparison``.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from bench.comparison import BenchComparison, compare_knowledge_bases, draft_not_run
from bench.selectors import active_vignette_cases
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
