"""Reading configuration from the environment, with clear errors for bad values."""

from __future__ import annotations

import os

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
