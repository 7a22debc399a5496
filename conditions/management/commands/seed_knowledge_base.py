"""Seed an empty database with the knowledge file(s) and publish them as version 1; else nothing.

This is what start-up runs (the Makefile's ``database`` target). Once the database holds a
knowledge base (draft rows or a published version) it is the source of truth: curators edit it in
the admin and reviewers publish it there, so this command leaves it alone, prints one line saying
so, and exits 0. Loading a file into such a database is an explicit act: load_knowledge_base PATH,
which makes a draft and publishes nothing.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from conditions import knowledge_file
from conditions.knowledge_file import KnowledgeFileError
from conditions.selectors import latest_published_version
from conditions.services import knowledge_base_is_empty, knowledge_base_seed


class Command(BaseCommand):
    help = "Load and publish the knowledge file(s) as version 1, only into an empty database."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            default=str(Path(settings.BASE_DIR) / "knowledge"),
            help="A directory of *.yaml files (merged in name order), or one file. "
            "Default: knowledge/",
        )
        parser.add_argument(
            "--note",
            help="The note of version 1. Default: seeded from PATH into an empty database.",
        )

    def handle(self, *args, path: str, note: str | None, **options) -> None:
        # The file is only read when it is going to be used: a database that holds its
        # knowledge base starts whatever state knowledge/ is in.
        if not knowledge_base_is_empty():
            self.stdout.write(self.not_loaded(path))
            return
        try:
            knowledge = knowledge_file.read(path)
            seeded = knowledge_base_seed(
                document=knowledge.document,
                sources=knowledge.sources,
                note=note or f"seeded from {path} into an empty database",
            )
        except KnowledgeFileError as problem:
            raise CommandError(str(problem)) from problem
        except DatabaseError as problem:
            raise CommandError(f"The database refused the knowledge base: {problem}") from problem
        if seeded is None:
            # Another process seeded it between the check and the load.
            self.stdout.write(self.not_loaded(path))
            return
        report, version = seeded
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded the empty database from {path}: published version {version.number}."
            )
        )

    def not_loaded(self, path: str) -> str:
        latest = latest_published_version()
        if latest is None:
            held = "a draft knowledge base (not yet published; a reviewer publishes it in admin)"
        else:
            published_at = timezone.localtime(latest.published_at).strftime("%Y-%m-%d %H:%M %Z")
            held = f"the knowledge base (version {latest.number}, published {published_at})"
        return (
            f"The database already holds {held}; {path} was not loaded. "
            "To load a file as a draft: manage.py load_knowledge_base PATH"
        )
