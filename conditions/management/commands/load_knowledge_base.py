"""Load knowledge file(s) into the draft knowledge base, explicitly, as a draft.

Once the database holds a knowledge base it is the source of truth (start-up only seeds an empty
database: seed_knowledge_base). This command replaces the drafts with a file a curator chose, and
publishes nothing: a reviewer publishes the drafts in the admin. It refuses to overwrite draft
edits that are not yet published unless ``--overwrite-draft`` is given, and prints what the file
changes against the latest published version. It is idempotent: loading the same files again
changes nothing.

``--publish`` is only for a database where nothing is published yet: it loads the file and
publishes it as version 1 (with no publishing user and the note "loaded from PATH").

``--reason`` says why, and is kept in the history of every row the load changes; it is required
once the database holds a knowledge base (change control: every change records who and why).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from conditions import knowledge_file
from conditions.knowledge_file import KnowledgeFileError
from conditions.selectors import latest_published_version
from conditions.services import (
    KnowledgeBaseAlreadyPublished,
    LoadReport,
    UnpublishedDraftEdits,
    knowledge_base_is_empty,
    knowledge_base_load_and_publish_first,
    knowledge_base_load_draft,
)

PUBLISH_IN_ADMIN = (
    "a reviewer publishes the drafts in the admin "
    "(Knowledge-base versions → Publish the knowledge base)"
)


def publish_refused(number: int) -> str:
    return (
        f"--publish refused: version {number} is already published, and from then on "
        f"publishing goes through a reviewer in the admin; load without --publish, then "
        f"{PUBLISH_IN_ADMIN}."
    )


def entries(count: int) -> str:
    return f"{count} entry" if count == 1 else f"{count} entries"


class Command(BaseCommand):
    help = (
        "Load knowledge/*.yaml (or one file) into the draft knowledge base; nothing is published."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            default=str(Path(settings.BASE_DIR) / "knowledge"),
            help="A directory of *.yaml files (merged in name order), or one file. "
            "Default: knowledge/",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report the changes, then roll back."
        )
        parser.add_argument(
            "--overwrite-draft",
            action="store_true",
            help="Replace draft edits that are not yet published (they are lost unless exported "
            "first with export_knowledge_base).",
        )
        parser.add_argument(
            "--reason",
            default="",
            help="Why the file is loaded, kept in the history of every row it changes. "
            "Required once the database holds a knowledge base.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Only while nothing is published: publish the loaded file as version 1.",
        )

    def handle(
        self,
        *args,
        path: str,
        dry_run: bool,
        overwrite_draft: bool,
        publish: bool,
        reason: str,
        **options,
    ) -> None:
        if dry_run and publish:
            raise CommandError("--dry-run and --publish cannot be combined.")
        if publish and (latest := latest_published_version()) is not None:
            # Checked again, under the publishing lock, by the service.
            raise CommandError(publish_refused(latest.number))
        if not dry_run and not reason.strip() and not knowledge_base_is_empty():
            raise CommandError(
                "--reason is required: the database holds a knowledge base, and every change "
                "to it records why (for example --reason 'Evidence review 2026: RA figures')."
            )
        version = None
        try:
            knowledge = knowledge_file.read(path)
            if publish:
                report, version = knowledge_base_load_and_publish_first(
                    document=knowledge.document,
                    sources=knowledge.sources,
                    overwrite_draft=overwrite_draft,
                    note=f"loaded from {path}",
                    reason=reason.strip(),
                )
            else:
                report = knowledge_base_load_draft(
                    document=knowledge.document,
                    sources=knowledge.sources,
                    dry_run=dry_run,
                    overwrite_draft=overwrite_draft,
                    reason=reason.strip() or f"loaded from {path}",
                )
        except KnowledgeFileError as problem:
            raise CommandError(str(problem)) from problem
        except KnowledgeBaseAlreadyPublished as problem:
            raise CommandError(publish_refused(problem.version.number)) from problem
        except UnpublishedDraftEdits as problem:
            lost = "".join(f"\n  {line}" for line in problem.lost)
            raise CommandError(
                f"{problem}.\nDraft → file:{lost}\n"
                "Nothing was loaded. Publish those edits first, or keep them with "
                "`manage.py export_knowledge_base --output FILE`, or load anyway with "
                "--overwrite-draft (those edits are then lost)."
            ) from problem
        except DatabaseError as problem:
            raise CommandError(f"The database refused the knowledge base: {problem}") from problem
        self.write_report(report)
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        elif version is not None:
            self.stdout.write(self.style.SUCCESS(f"Published version {version.number}"))
        elif report.changed:
            self.stdout.write(f"Loaded as a draft; nothing was published: {PUBLISH_IN_ADMIN}.")
        else:
            self.stdout.write("The drafts already matched the file; nothing was written.")

    def write_report(self, report: LoadReport) -> None:
        for line in report.lines():
            self.stdout.write(line)
        verb = "would be" if report.dry_run else "were"
        if report.overwritten:
            self.stdout.write(
                self.style.WARNING(
                    f"Unpublished draft edits {verb} overwritten in "
                    f"{entries(len(report.overwritten))}: {', '.join(report.overwritten)}"
                )
            )
        if report.published_number is None:
            self.stdout.write("No version is published yet.")
            return
        against = f"published version {report.published_number}"
        if not report.against_published:
            self.stdout.write(f"The file matches {against}.")
            return
        self.stdout.write(
            f"The file differs from {against} in {len(report.against_published)} place(s):"
        )
        for line in report.against_published:
            self.stdout.write(f"  {line}")
