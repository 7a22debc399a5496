"""Publish the draft knowledge base as the next numbered version, from the command line.

The admin's "Publish the knowledge base" page is the usual way; this is for deployments and
scripts. The version is recorded with the given user and note, under the same checks as in the
admin (knowledge_base_publish): nothing is published twice, a reviewer never publishes their own
edits, and a draft the test bench shows less safe needs ``--safety-acknowledgement``. Once a
version is published, ``--user`` is required: every later version names who reviewed it.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from conditions.knowledge_file import KnowledgeFileError
from conditions.selectors import latest_published_version
from conditions.services import (
    NothingToPublish,
    OwnEditsNotReviewed,
    SafetyAcknowledgementRequired,
    knowledge_base_publish,
    knowledge_base_publish_if_changed,
)

PUBLISH_PERMISSION = "conditions.publish_knowledgebaseversion"


class Command(BaseCommand):
    help = "Publish the draft knowledge base as a new version."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--note", required=True, help="What changed and why.")
        parser.add_argument(
            "--user",
            help="The reviewer publishing (recorded on the version); required once a version "
            "is published. They must not have made any of the changes.",
        )
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="Publish only if the drafts differ from the latest published version.",
        )
        parser.add_argument(
            "--safety-acknowledgement",
            default="",
            help="Why it is still right to publish drafts the test bench shows less safe.",
        )

    def handle(
        self,
        *args,
        note: str,
        user: str | None,
        if_changed: bool,
        safety_acknowledgement: str,
        **options,
    ) -> None:
        publisher = None
        if user is not None:
            publisher = get_user_model().objects.filter(username=user).first()
            if publisher is None:
                raise CommandError(f"No user named {user!r}.")
            if not publisher.has_perm(PUBLISH_PERMISSION):
                raise CommandError(
                    f"{user} is not a reviewer: only a member of the Reviewers group publishes."
                )
        elif (latest := latest_published_version()) is not None:
            raise CommandError(
                f"--user is required: version {latest.number} is published, and every later "
                "version names the reviewer who published it."
            )
        publish = knowledge_base_publish_if_changed if if_changed else knowledge_base_publish
        try:
            version = publish(
                published_by=publisher, note=note, safety_acknowledgement=safety_acknowledgement
            )
        except (
            KnowledgeFileError,
            NothingToPublish,
            OwnEditsNotReviewed,
            SafetyAcknowledgementRequired,
        ) as problem:
            raise CommandError(str(problem)) from problem
        if version is None:
            self.stdout.write("The published version already matches; nothing to publish.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Published version {version.number}"))
