"""Load the knowledge file(s) into the draft rows, and optionally publish them.

Curators keep the knowledge base in git as YAML (docs/knowledge-format.md); this command makes the
database match it. It is idempotent: loading the same files again changes nothing. With
``--publish`` a new version is published only when the drafts differ from the latest published
version; such versions have no publishing user (published_by is empty) and the note
"loaded from PATH".
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from conditions import knowledge_file
from conditions.knowledge_file import KnowledgeFileError
from conditions.services import knowledge_base_load, knowledge_base_publish_if_changed


class Command(BaseCommand):
    help = "Load knowledge/*.yaml (or one file) into the draft knowledge base."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            default=str(Path(settings.BASE_DIR) / "knowledge"),
            help="A directory of *.yaml files (merged in name order), or one file. "
            "Default: knowledge/",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count the changes, then roll back."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish a new version afterwards if the drafts differ from the latest one.",
        )

    def handle(self, *args, path: str, dry_run: bool, publish: bool, **options) -> None:
        if dry_run and publish:
            raise CommandError("--dry-run and --publish cannot be combined.")
        try:
            knowledge = knowledge_file.read(path)
            report = knowledge_base_load(
                document=knowledge.document, dry_run=dry_run, sources=knowledge.sources
            )
        except KnowledgeFileError as problem:
            raise CommandError(str(problem)) from problem
        except DatabaseError as problem:
            raise CommandError(f"The database refused the knowledge base: {problem}") from problem
        for line in report.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        if publish:
            try:
                version = knowledge_base_publish_if_changed(
                    published_by=None, note=f"loaded from {path}"
                )
            except KnowledgeFileError as problem:
                raise CommandError(str(problem)) from problem
            if version is None:
                self.stdout.write("The published version already matches; nothing to publish.")
            else:
                self.stdout.write(self.style.SUCCESS(f"Published version {version.number}"))
