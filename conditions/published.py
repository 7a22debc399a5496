"""The published knowledge base patients are scored against, cached in process memory.

Only published versions reach patients: drafts are never read here. Which version is the latest
is asked of the database (one small query) at most once every
``settings.KNOWLEDGE_BASE_RECHECK_SECONDS`` per process, and at once after a publish in this
process; the engine snapshot is built from the stored JSONB document once per version and process.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from django.conf import settings

from conditions.engine import KnowledgeBase, knowledge_base_from_document
from conditions.models import KnowledgeBaseVersion

# A few versions stay cached so results made just before a publish can still be explained.
CACHED_VERSIONS = 4

_snapshots: OrderedDict[tuple[int, str], KnowledgeBase] = OrderedDict()
_snapshots_lock = threading.Lock()
# (when it was asked, (number, checksum)) of the latest published version, or None.
_latest_checked: tuple[float, tuple[int, str]] | None = None
# Version number → (when it was asked, its checksum), for versions other than the latest.
_version_checked: dict[int, tuple[float, str]] = {}


class NoPublishedKnowledgeBase(Exception):
    """No knowledge-base version has been published (or the requested one does not exist)."""


def published_knowledge_base() -> KnowledgeBase:
    """The engine snapshot of the latest published version."""
    number, checksum = _latest_version()
    return _snapshot(number, checksum)


def _latest_version() -> tuple[int, str]:
    # Every page of the questionnaire needs the snapshot, and a version changes rarely: asking the
    # database once every few seconds, rather than on every request, is a large share of a
    # page's cost. Another process's publish reaches this one within that interval.
    global _latest_checked
    checked = _latest_checked
    if checked is not None and _still_fresh(checked[0]):
        return checked[1]
    latest = KnowledgeBaseVersion.objects.latest_first().values_list("number", "checksum").first()
    if latest is None:
        raise NoPublishedKnowledgeBase(
            "No knowledge base has been published yet. Run `make database` (or "
            "`manage.py seed_knowledge_base knowledge/`), or publish it in the admin."
        )
    _latest_checked = (time.monotonic(), latest)
    return latest


def _still_fresh(checked_at: float) -> bool:
    """Whether an answer the database gave at ``checked_at`` (monotonic) may still be used."""
    return time.monotonic() - checked_at < settings.KNOWLEDGE_BASE_RECHECK_SECONDS


def published_knowledge_base_version(number: int) -> KnowledgeBase:
    """The engine snapshot of one published version, e.g. to explain an earlier result.

    A questionnaire asks for the version it started under on every page: the checksum of a
    version is asked of the database at most once every ``KNOWLEDGE_BASE_RECHECK_SECONDS`` per
    process, like the latest one (a published version never changes; the checksum only guards
    against a database rebuilt with other content under the same number).
    """
    checked = _latest_checked
    if checked is not None and checked[1][0] == number and _still_fresh(checked[0]):
        return _snapshot(number, checked[1][1])
    known = _version_checked.get(number)
    if known is not None and _still_fresh(known[0]):
        return _snapshot(number, known[1])
    checksum = (
        KnowledgeBaseVersion.objects.filter(number=number)
        .values_list("checksum", flat=True)
        .first()
    )
    if checksum is None:
        raise NoPublishedKnowledgeBase(f"Knowledge-base version {number} has not been published.")
    _version_checked[number] = (time.monotonic(), checksum)
    while len(_version_checked) > CACHED_VERSIONS:
        del _version_checked[next(iter(_version_checked))]
    return _snapshot(number, checksum)


def _snapshot(number: int, checksum: str) -> KnowledgeBase:
    # Keyed by checksum as well as number: a database rebuilt from scratch (or each test's
    # database) can reuse a number for different content.
    key = (number, checksum)
    with _snapshots_lock:
        snapshot = _snapshots.get(key)
        if snapshot is not None:
            _snapshots.move_to_end(key)
            return snapshot
    document = KnowledgeBaseVersion.objects.values_list("document", flat=True).get(number=number)
    snapshot = knowledge_base_from_document(document, version=number)
    with _snapshots_lock:
        _snapshots[key] = snapshot
        while len(_snapshots) > CACHED_VERSIONS:
            _snapshots.popitem(last=False)
    return snapshot


def forget_latest_version() -> None:
    """Ask the database for the latest version on the next call (after a publish)."""
    global _latest_checked
    _latest_checked = None
    _version_checked.clear()


def clear_published_cache() -> None:
    """Forget every cached snapshot (tests use this to count queries from a cold start)."""
    forget_latest_version()
    with _snapshots_lock:
        _snapshots.clear()
