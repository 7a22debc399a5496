"""Publish the draft knowledge base as the next numbered version, from the command line.

The admin's "Publish the knowledge base" page is the usual way; this is for deployments and
scripts. The version is recorded with the given user (or none) and note.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from conditions.knowledge_file import KnowledgeFileError
from conditions.services import knowledge_base_publish, knowledge_base_publish_if_changed


class Command(BaseCommand):
    help = "Publish the draft knowledge base as a new version."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--note", required=True, help="What changed and why.")
        parser.add_argument("--user", help="Username recorded as the publisher.")
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="Publish only if the drafts differ from the latest published version.",
        )

    def handle(self, *args, note: str, user: str | None, if_changed: bool, **options) -> None:
        publisher = None
        if user is not None:
            publisher = get_user_model().objects.filter(username=user).first()
            if publisher is None:
                raise CommandError(f"No user named {user!r}.")
        publish = knowledge_base_publish_if_changed if if_changed else knowledge_base_publish
        try:
            version = publish(published_by=publisher, note=note)
        except KnowledgeFileError as problem:
            raise CommandError(str(problem)) from problem
        if version is None:
            self.stdout.write("The published version already matches; nothing to publish.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Published version {version.number}"))
