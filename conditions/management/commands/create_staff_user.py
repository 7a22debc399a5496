"""Create a curator or reviewer of the knowledge base in one command.

    manage.py create_staff_user NAME --curator     # edits drafts (group Curators)
    manage.py create_staff_user NAME --reviewer    # also publishes (group Reviewers)

The user is staff (can log in to the admin), not a superuser, and in the one group of its role;
the groups and their permissions are those migration 0003 of this app creates (Reviewers hold
every permission of Curators, and publishing). The password comes from the environment variable
SYMPTOMCHECK_STAFF_PASSWORD, or else is asked for twice; it must pass the project's password
validators. A name already taken is refused unless ``--update`` is given: then that user is made
staff in exactly the chosen role (the other role's group is removed; any other groups are kept)
and gets the new password.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

PASSWORD_VARIABLE = "SYMPTOMCHECK_STAFF_PASSWORD"
ROLE_GROUPS = {"curator": "Curators", "reviewer": "Reviewers"}


class Command(BaseCommand):
    help = (
        "Create a staff user who curates (--curator) or also publishes (--reviewer) the knowledge "
        f"base. Password from ${PASSWORD_VARIABLE}, or else asked for twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the user name to log in to the admin with")
        role = parser.add_mutually_exclusive_group(required=True)
        role.add_argument(
            "--curator",
            action="store_const",
            dest="role",
            const="curator",
            help="in the group Curators: edits drafts of the knowledge base",
        )
        role.add_argument(
            "--reviewer",
            action="store_const",
            dest="role",
            const="reviewer",
            help="in the group Reviewers: edits drafts and publishes them",
        )
        parser.add_argument("--email", default="", help="the user's e-mail address (optional)")
        parser.add_argument(
            "--update",
            action="store_true",
            help="if NAME exists: make it staff in this role only and set the new password",
        )

    def handle(self, *args: Any, name: str, role: str, email: str, update: bool, **options: Any):
        User = get_user_model()
        name = User.normalize_username(name)
        try:
            User.username_validator(name)
        except ValidationError as error:
            raise CommandError(f"{name!r} is not a valid user name: {one_line(error)}") from None
        groups = self.role_groups()

        existing = User.objects.filter(username=name).first()
        if existing is not None and not update:
            raise CommandError(
                f"A user named {name!r} already exists. Choose another name, or add --update to "
                f"make them a {role} with the new password."
            )
        user = existing or User(username=name)
        if email:
            user.email = User.objects.normalize_email(email)
        password = self.password()
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(f"The password is refused: {one_line(error)}") from None

        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        with transaction.atomic():
            user.save()
            other_roles = [group for other, group in groups.items() if other != role]
            user.groups.remove(*other_roles)
            user.groups.add(groups[role])
        verb = "Updated" if existing is not None else "Created"
        second_factor = (
            "At their first login they must set up two-step verification (an authenticator app "
            "such as Google Authenticator or FreeOTP) before they can use the admin."
            if role == "reviewer"
            else "Two-step verification (an authenticator app) is optional for curators: "
            "'Two-step verification' at the top of the admin."
        )
        self.stdout.write(
            f"{verb} {role} {name!r}: staff, in the group {groups[role].name}. "
            f"They log in to the admin with this password. {second_factor}"
        )

    @staticmethod
    def role_groups() -> dict[str, Group]:
        groups = {
            group.name: group for group in Group.objects.filter(name__in=ROLE_GROUPS.values())
        }
        missing = [name for name in ROLE_GROUPS.values() if name not in groups]
        if missing:
            raise CommandError(
                f"The group {missing[0]} does not exist: run `make database` (or "
                "`manage.py migrate`) first."
            )
        return {role: groups[group_name] for role, group_name in ROLE_GROUPS.items()}

    def password(self) -> str:
        """The password from the environment, or else typed twice at the terminal."""
        password = os.environ.get(PASSWORD_VARIABLE, "")
        if password:
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                f"No password: set {PASSWORD_VARIABLE}, or run this command in a terminal to "
                "type it."
            )
        try:
            password = getpass.getpass("Password: ")
            again = getpass.getpass("Password (again): ")
        except (EOFError, KeyboardInterrupt):
            raise CommandError("No password typed; nothing was changed.") from None
        if password != again:
            raise CommandError("The two passwords differ; nothing was changed.")
        return password


def one_line(error: ValidationError) -> str:
    return " ".join(error.messages)
