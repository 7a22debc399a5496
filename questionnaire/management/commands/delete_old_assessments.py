"""Delete completed assessments older than the retention limit (run daily, e.g. from cron).

The privacy page promises that anonymous copies of answers are kept for
ASSESSMENT_RETENTION_DAYS days; this command keeps that promise.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from questionnaire.models import CompletedAssessment
from questionnaire.services import completed_assessments_expire


class Command(BaseCommand):
    help = "Delete completed assessments older than ASSESSMENT_RETENTION_DAYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.ASSESSMENT_RETENTION_DAYS,
            help="retention in days (default: ASSESSMENT_RETENTION_DAYS)",
        )
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if options["dry_run"]:
            from datetime import date

            count = CompletedAssessment.objects.older_than(days, today=date.today()).count()
            self.stdout.write(f"{count} assessments are older than {days} days (dry run).")
            return
        deleted = completed_assessments_expire(retention_days=days)
        self.stdout.write(f"Deleted {deleted} assessments older than {days} days.")
