#!/usr/bin/env python
"""Django's command-line utility, with one-line messages for configuration and database faults.

A command run before the database is ready (not reachable, not created, or not migrated) or
naming a file that does not exist ends in one line saying what to do, and exit status 1, rather
than in a traceback. ``--traceback`` shows the traceback instead.
"""

import os
import re
import sys

# PostgreSQL's codes for a table or column a query names but the database lacks: the database
# has not been migrated (or not to this version of the code).
UNDEFINED_TABLE = "42P01"
UNDEFINED_COLUMN = "42703"
MIGRATE = "run `make database` (or `.venv/bin/python manage.py migrate`) first"


def main() -> None:
    """Run a management command; report a bad configuration or unready database in one line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "symptomcheck.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        from django.db.utils import OperationalError, ProgrammingError

        start_the_embedded_database()
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        sys.exit(f"symptomcheck: configuration problem: {error}")
    except OperationalError as error:
        if "--traceback" in sys.argv:
            raise
        if re.search(r'database ".*" does not exist', first_line(error)):
            sys.exit(
                f"symptomcheck: the database named in DATABASE_URL does not exist "
                f"({first_line(error)}): create it (createdb NAME) or correct DATABASE_URL."
            )
        sys.exit(
            f"symptomcheck: cannot reach the database (check DATABASE_URL): {first_line(error)}"
        )
    except ProgrammingError as error:
        code = getattr(error.__cause__, "pgcode", None)
        migrating = sys.argv[1:2] == ["migrate"]
        if (
            "--traceback" in sys.argv
            or migrating
            or code not in (UNDEFINED_TABLE, UNDEFINED_COLUMN)
        ):
            raise
        if code == UNDEFINED_TABLE:
            sys.exit(
                f"symptomcheck: the database has no tables yet ({first_line(error)}): {MIGRATE}."
            )
        sys.exit(
            f"symptomcheck: the database is not migrated to this version of the code "
            f"({first_line(error)}): {MIGRATE}."
        )
    except FileNotFoundError as error:
        if "--traceback" in sys.argv:
            raise
        sys.exit(f"symptomcheck: no such file or folder: {error.filename or error}")


def start_the_embedded_database() -> None:
    """Without DATABASE_URL, start (or join) the embedded PostgreSQL before the command runs.

    The server then stays up for the whole command, however many connections it opens and
    closes (`runserver` too, across its reloads), and stops when its last user exits. A server
    that runs but hangs is joined without waiting for it. Servers started by gunicorn start it
    on their first connection instead (symptomcheck.postgresql).
    """
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    data_dir = settings.DATABASES["default"].get("EMBEDDED_DATA_DIR")
    if not data_dir:
        return
    from pathlib import Path

    from symptomcheck.database import EmbeddedServerUnavailable, running_embedded_server

    try:
        running_embedded_server(Path(data_dir))
    except EmbeddedServerUnavailable as error:
        raise ImproperlyConfigured(str(error)) from error


def first_line(error: Exception) -> str:
    """The first line of an error's message (PostgreSQL adds the query and a caret below it)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else repr(error)


if __name__ == "__main__":
    main()
