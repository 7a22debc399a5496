#!/usr/bin/env python
"""Django's command-line utility, with one-line messages for configuration and database faults."""

import os
import sys


def main() -> None:
    """Run a management command; report a bad configuration or unreachable database in one line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "symptomcheck.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        from django.db.utils import OperationalError

        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        sys.exit(f"symptomcheck: configuration problem: {error}")
    except OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        sys.exit(f"symptomcheck: cannot reach the database (check DATABASE_URL): {first_line}")


if __name__ == "__main__":
    main()
