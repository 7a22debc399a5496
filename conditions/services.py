"""Writes to the knowledge base: load a knowledge file into the drafts, and publish a version.

Once the database holds a knowledge base it is the source of truth: the knowledge file seeds an
empty database only (``knowledge_base_seed``); later loads go into the drafts
(``knowledge_base_load_draft``), never over unpublished edits unless asked, and only a reviewer's
publish turns drafts into a version patients see.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction

from conditions import knowledge_file
from conditions.diffs import field_changes
from conditions.draft_sync import LOAD_ORDER, DraftSync, LoadReport
from conditions.engine import KnowledgeBaseError, knowledge_base_from_document
from conditions.history import change_reason
from conditions.knowledge_file import KnowledgeFileError
from conditions.models import (
    Condition,
    KnowledgeBaseVersion,
)
from conditions.published import forget_latest_version
from conditions.selectors import (
    PendingChange,
    PendingPublication,
    bench_comparison,
    knowledge_base_document,
    knowledge_base_pending_publication,
    latest_published_version,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def knowledge_base_load(
    *,
    document: Mapping[str, Any],
    dry_run: bool = False,
    sources: Mapping[str, str] | None = None,
) -> LoadReport:
    """Make the draft rows equal to the knowledge file; rows missing from the file are deleted.

    Idempotent: a row is saved only when one of its values differs, so loading the same file
    twice writes nothing and adds no history. Raises KnowledgeFileError listing every problem
    before anything is written. ``sources`` maps entries to file names for those messages.
    """
    return _sync(_valid_canonical(document, sources), LoadReport(dry_run=dry_run))


def _valid_canonical(
    document: Mapping[str, Any], sources: Mapping[str, str] | None
) -> dict[str, Any]:
    errors = knowledge_file.validate(document, sources=sources)
    if errors:
        raise KnowledgeFileError(errors)
    return knowledge_file.canonical(document)


def _sync(canonical: dict[str, Any], report: LoadReport) -> LoadReport:
    with transaction.atomic():
        DraftSync(canonical, report).run()
        if report.dry_run:
            _check_deferred_constraints()
            transaction.set_rollback(True)
    return report


def _check_deferred_constraints() -> None:
    # A dry run never commits, so the checks PostgreSQL defers to commit are run now.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# --- The database as the source of truth ---


class UnpublishedDraftEdits(Exception):
    """Loading would replace draft edits that no published version holds yet."""

    def __init__(
        self, entries: list[str], *, published_number: int | None, lost: list[str]
    ) -> None:
        self.entries = entries
        self.published_number = published_number
        # What the load would replace, field by field: "where: draft value → file value".
        self.lost = lost
        since = (
            f"since version {published_number}"
            if published_number is not None
            else "(nothing is published yet)"
        )
        super().__init__(
            f"The drafts hold edits not yet published {since} that the load would overwrite "
            f"in {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}: {', '.join(entries)}"
        )


class KnowledgeBaseAlreadyPublished(Exception):
    """A file may be published directly only into a database where nothing is published yet."""

    def __init__(self, version: KnowledgeBaseVersion) -> None:
        self.version = version
        super().__init__(f"Version {version.number} is already published.")


def knowledge_base_is_empty() -> bool:
    """True when the database holds no knowledge base: no draft row and no published version."""
    return not KnowledgeBaseVersion.objects.exists() and not any(
        model._default_manager.exists() for model in LOAD_ORDER
    )


def knowledge_base_seed(
    *, document: Mapping[str, Any], note: str, sources: Mapping[str, str] | None = None
) -> tuple[LoadReport, KnowledgeBaseVersion] | None:
    """Load the knowledge file and publish it as version 1, only if the database is empty.

    Returns None, writing nothing, when the database already holds a knowledge base (drafts or a
    published version): from then on the database is the source of truth and the file is not
    read into it again. Raises KnowledgeFileError for an invalid file.
    """
    canonical = _valid_canonical(document, sources)
    with transaction.atomic(), change_reason(note):
        _lock_for_publishing()
        if not knowledge_base_is_empty():
            return None
        report = _load_over_drafts(canonical, dry_run=False, overwrite_draft=False)
        version = _publish(document=knowledge_base_document(), published_by=None, note=note)
    return report, version


def knowledge_base_load_draft(
    *,
    document: Mapping[str, Any],
    sources: Mapping[str, str] | None = None,
    dry_run: bool = False,
    overwrite_draft: bool = False,
    reason: str = "",
) -> LoadReport:
    """Make the drafts equal to the knowledge file, as a draft: nothing is published.

    Raises UnpublishedDraftEdits, writing nothing, when the drafts differ from the latest
    published version in an entry the file would change, unless ``overwrite_draft`` (a dry run
    only reports them). The report compares the file with the latest published version. Every
    history row the load writes carries ``reason``.
    """
    canonical = _valid_canonical(document, sources)
    with transaction.atomic(), change_reason(reason):
        _lock_for_publishing()
        return _load_over_drafts(canonical, dry_run=dry_run, overwrite_draft=overwrite_draft)


def knowledge_base_load_and_publish_first(
    *,
    document: Mapping[str, Any],
    note: str,
    sources: Mapping[str, str] | None = None,
    overwrite_draft: bool = False,
    reason: str = "",
) -> tuple[LoadReport, KnowledgeBaseVersion]:
    """Load the knowledge file and publish it as the first version.

    Raises KnowledgeBaseAlreadyPublished when a version exists: after the first, every version
    is published by a reviewer in the admin. Unpublished drafts are protected as in
    ``knowledge_base_load_draft``. The history rows carry ``reason``, else the note.
    """
    canonical = _valid_canonical(document, sources)
    with transaction.atomic(), change_reason(reason or note):
        _lock_for_publishing()
        latest = latest_published_version()
        if latest is not None:
            raise KnowledgeBaseAlreadyPublished(latest)
        report = _load_over_drafts(canonical, dry_run=False, overwrite_draft=overwrite_draft)
        version = _publish(document=knowledge_base_document(), published_by=None, note=note)
    return report, version


def _load_over_drafts(
    canonical: dict[str, Any], *, dry_run: bool, overwrite_draft: bool
) -> LoadReport:
    # Called with the publishing lock held: no curator's save or reviewer's publish can slip in
    # between reading the drafts and replacing them.
    latest = latest_published_version()
    published = latest.document if latest else None
    drafts = knowledge_base_document()
    # An entry is lost if the drafts changed it since the last publish and the file changes it
    # again; unpublished edits the file happens to agree with are kept as they are.
    overwritten = sorted(_changed_entries(published, drafts) & _changed_entries(drafts, canonical))
    if overwritten and not (overwrite_draft or dry_run):
        names = [_entry_name(entry) for entry in overwritten]
        raise UnpublishedDraftEdits(
            names,
            published_number=latest.number if latest else None,
            lost=[
                line
                for line in document_differences(drafts, canonical)
                if line.startswith(tuple(f"{name}{after}" for name in names for after in ".:"))
            ],
        )
    report = LoadReport(
        dry_run=dry_run,
        published_number=latest.number if latest else None,
        # The load makes the drafts equal to the file, so the file is what now differs.
        against_published=document_differences(published, canonical),
        overwritten=[_entry_name(entry) for entry in overwritten],
    )
    return _sync(canonical, report)


def _changed_entries(before: Mapping | None, after: Mapping) -> set[tuple[str, str]]:
    return {
        (changes.section, code)
        for changes in knowledge_file.changes_between(before, after)
        for code in (*changes.added, *changes.removed, *changes.changed)
    }


def _entry_name(entry: tuple[str, str]) -> str:
    section, code = entry
    return section if section == "scoring" else f"{section}[{code}]"


def document_differences(before: Mapping | None, after: Mapping) -> list[str]:
    """One line per entry added or removed and per field changed, located as validation does.

    For example ``conditions[septic_arthritis].evidence[fever].probability: 0.3 → 0.35``.
    """
    return [change.line() for change in field_changes(before, after)]


class NothingToPublish(Exception):
    """The drafts are exactly the latest published version: publishing would only repeat it."""

    def __init__(self, version: KnowledgeBaseVersion) -> None:
        self.version = version
        super().__init__(
            f"Nothing to publish: the drafts are the same as the published version "
            f"{version.number}. Change the drafts first; no new version was made."
        )


class OwnEditsNotReviewed(Exception):
    """Four eyes: the publisher made some of the changes, so someone else must review them."""

    def __init__(self, publisher: str, changes: list[PendingChange]) -> None:
        self.publisher = publisher
        self.changes = changes
        places = ", ".join(pending.change.location for pending in changes[:5])
        more = f" and {len(changes) - 5} more" if len(changes) > 5 else ""
        super().__init__(
            f"{publisher}, these drafts hold your own edits ({places}{more}). A change is "
            "published only after a second person has reviewed it: another reviewer must "
            "publish this version."
        )


class DraftsChangedSinceReview(Exception):
    """The drafts changed after the publisher read them: what would be published is not what
    was reviewed."""

    def __init__(self) -> None:
        super().__init__(
            "The drafts changed while you were reviewing them; nothing was published. Review "
            "the changes as they are now, then publish."
        )


class SafetyAcknowledgementRequired(Exception):
    """The test bench shows the drafts less safe than the published version; publishing them
    needs the publisher's explicit acknowledgement and reason."""

    def __init__(self, comparison: Any) -> None:
        self.comparison = comparison
        super().__init__(
            "The test bench shows the drafts miss an emergency or under-triage a case the "
            "published version does not. Publishing them needs your acknowledgement and the "
            "reason it is still right to publish."
        )


def knowledge_base_publish(
    *,
    published_by: AbstractBaseUser | None,
    note: str,
    safety_acknowledgement: str = "",
    reviewed_checksum: str | None = None,
) -> KnowledgeBaseVersion:
    """Publish the drafts as the next numbered version, after the checks a safety case asks for.

    Raises NothingToPublish when the drafts equal the latest version; OwnEditsNotReviewed when
    ``published_by`` made any of the changes since that version (four eyes: another reviewer
    publishes them; with no publisher, as when seeding, there is no one to check);
    SafetyAcknowledgementRequired when the test bench shows the drafts miss an emergency or add
    under-triage and ``safety_acknowledgement`` is empty; DraftsChangedSinceReview when
    ``reviewed_checksum`` (the drafts' checksum when the publisher read them) no longer matches;
    KnowledgeFileError when the drafts are not a valid knowledge base. The version records the
    changes reviewed (who, when, why), the bench comparison and the acknowledgement.
    """
    with transaction.atomic():
        _lock_for_publishing()
        pending = knowledge_base_pending_publication()
        if pending.unchanged:
            raise NothingToPublish(latest_published_version())
        if reviewed_checksum is not None and reviewed_checksum != knowledge_file.checksum(
            pending.draft_document
        ):
            raise DraftsChangedSinceReview()
        return _publish_pending(
            pending,
            published_by=published_by,
            note=note,
            safety_acknowledgement=safety_acknowledgement,
        )


def knowledge_base_publish_if_changed(
    *, published_by: AbstractBaseUser | None, note: str, safety_acknowledgement: str = ""
) -> KnowledgeBaseVersion | None:
    """Publish the drafts only if they differ from the latest published version; else None.

    Otherwise as ``knowledge_base_publish``, with the same checks.
    """
    with transaction.atomic():
        _lock_for_publishing()
        pending = knowledge_base_pending_publication()
        if pending.unchanged:
            return None
        return _publish_pending(
            pending,
            published_by=published_by,
            note=note,
            safety_acknowledgement=safety_acknowledgement,
        )


def _publish_pending(
    pending: PendingPublication,
    *,
    published_by: AbstractBaseUser | None,
    note: str,
    safety_acknowledgement: str,
) -> KnowledgeBaseVersion:
    if published_by is not None:
        own = pending.edited_by(published_by.pk)
        if own:
            raise OwnEditsNotReviewed(published_by.get_username(), own)
    if pending.problems:
        raise KnowledgeFileError(pending.problems)
    comparison = bench_comparison(pending)
    if comparison is not None and comparison.worsens_safety and not safety_acknowledgement.strip():
        raise SafetyAcknowledgementRequired(comparison)
    return _publish(
        document=pending.draft_document,
        published_by=published_by,
        note=note,
        reviewed_changes=[change.as_dict() for change in pending.field_changes],
        bench=comparison.as_dict() if comparison is not None else None,
        safety_acknowledgement=safety_acknowledgement.strip(),
    )


def _lock_for_publishing() -> None:
    # Publishers queue behind each other, so two can never take the same number, and curators'
    # writes wait the few milliseconds it takes to read the drafts, so the snapshot is consistent.
    draft_tables = ", ".join(model._meta.db_table for model in LOAD_ORDER)
    with connection.cursor() as cursor:
        cursor.execute(
            f"LOCK TABLE {KnowledgeBaseVersion._meta.db_table} IN SHARE ROW EXCLUSIVE MODE"
        )
        reference_links = Condition.references.through._meta.db_table
        cursor.execute(f"LOCK TABLE {draft_tables}, {reference_links} IN SHARE MODE")


def _publish(
    *,
    document: dict[str, Any],
    published_by: AbstractBaseUser | None,
    note: str,
    reviewed_changes: list[dict[str, Any]] | None = None,
    bench: dict[str, Any] | None = None,
    safety_acknowledgement: str = "",
) -> KnowledgeBaseVersion:
    errors = knowledge_file.validate(document)
    if errors:
        raise KnowledgeFileError(errors)
    number = (KnowledgeBaseVersion.objects.latest_number() or 0) + 1
    try:
        knowledge_base_from_document(document, version=number)
    except KnowledgeBaseError as problem:
        # A version the engine cannot build must never reach patients.
        raise KnowledgeFileError(
            [f"the scoring engine cannot use this knowledge base: {problem}"]
        ) from problem
    # Patients get the new version from this process as soon as it is committed.
    transaction.on_commit(forget_latest_version)
    return KnowledgeBaseVersion.objects.create(
        number=number,
        document=document,  # its checksum is derived when saved
        published_by=published_by,
        note=note,
        reviewed_changes=reviewed_changes if reviewed_changes is not None else [],
        bench=bench,
        safety_acknowledgement=safety_acknowledgement,
    )
