"""Reading configuration from the environment, with clear errors for bad values."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_flag(name: str, default: bool) -> bool:
    """Read a 0/1 flag; anything else is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw not in {"0", "1"}:
        raise ImproperlyConfigured(f"{name} must be 0 or 1, not {raw!r}.")
    return raw == "1"


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list, ignoring blanks."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """Read a whole number of at least ``minimum``."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def admin_path(raw: str) -> str:
    """Normalise the admin URL prefix to 'segment/' form (no leading slash)."""
    path = raw.strip().strip("/")
    if not path:
        raise ImproperlyConfigured("ADMIN_PATH must not be empty.")
    return f"{path}/"


def memory_backed_folder(owner_of: Path) -> Path | None:
    """A private folder in /dev/shm (memory-backed on Linux) for this runtime folder, or None.

    None where there is no writable /dev/shm, or where the folder exists but belongs to another
    user (it is never shared).
    """
    shared_memory = Path("/dev/shm")
    if not (shared_memory.is_dir() and os.access(shared_memory, os.W_OK)):
        return None
    digest = hashlib.sha256(str(owner_of.resolve()).encode()).hexdigest()[:16]
    folder = shared_memory / f"symptomcheck-{os.getuid()}-{digest}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    if folder.stat().st_uid != os.getuid():
        return None
    return folder
