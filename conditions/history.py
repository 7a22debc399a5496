"""Why each draft row changed: the reason every history row of the knowledge base carries.

Each save of a draft row adds a history row (django-simple-history) with who made it, when and,
here, why. The reason is the instance's own ``_change_reason`` when set (the admin sets it on the
row and every inline row it saves), else the reason of the change in progress: rows that change
as a side effect — a cascade when a condition is deleted, a link to a reference, a spreadsheet
import, ``load_knowledge_base`` — are saved inside ``change_reason(...)`` and carry its reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from simple_history.models import HistoricalRecords

_current_reason: ContextVar[str | None] = ContextVar("knowledge_base_change_reason", default=None)


@contextmanager
def change_reason(reason: str) -> Iterator[None]:
    """Every history row written inside the block, and not given its own reason, carries this."""
    token = _current_reason.set(reason or None)
    try:
        yield
    finally:
        _current_reason.reset(token)


def current_change_reason() -> str | None:
    return _current_reason.get()


class ReasonedHistoricalRecords(HistoricalRecords):
    """History whose rows keep the reason for the change, however long (a text column)."""

    def __init__(self, *args, **kwargs) -> None:
        # simple-history's default is 100 characters, too few for a clinical rationale, and
        # PostgreSQL enforces the limit.
        kwargs.setdefault("history_change_reason_field", models.TextField(null=True))
        super().__init__(*args, **kwargs)

    def get_change_reason_for_object(self, instance, history_type, using) -> str | None:
        own = super().get_change_reason_for_object(instance, history_type, using)
        return own or _current_reason.get()
