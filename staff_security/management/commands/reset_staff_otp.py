"""Remove a staff member's second factor, when they lost their phone or move to a new one.

    manage.py reset_staff_otp NAME

Every authenticator device of NAME is deleted (and any set-up in progress); sessions verified
with it stop counting as verified at their next request. At their next visit to the admin they
set up a new app after their password (required for reviewers and superusers, optional for
curators).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from staff_security.devices import remove_devices, second_factor_required


class Command(BaseCommand):
    help = (
        "Reset a staff member's two-step verification: delete their authenticator app, so they "
        "set up a new one at their next login."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the user name of the staff member")

    def handle(self, *args: Any, name: str, **options: Any) -> None:
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: name}).first()
        if user is None:
            raise CommandError(f"No user is named {name!r}; nothing was changed.")
        with transaction.atomic():
            removed = remove_devices(user)
        if removed == 0:
            self.stdout.write(f"{name!r} had no authenticator app; nothing to reset.")
            return
        then = (
            "must set up a new authenticator app at their next login before using the admin"
            if second_factor_required(user)
            else "may set up a new authenticator app (optional for curators)"
        )
        apps = "app" if removed == 1 else "apps"
        self.stdout.write(
            f"Removed {removed} authenticator {apps} of {name!r}: they log in with their "
            f"password and {then}."
        )
