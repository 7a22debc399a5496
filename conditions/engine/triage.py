"""The five urgency levels of the triage policy, most urgent first."""

from __future__ import annotations

import enum
from collections.abc import Iterable


class Triage(enum.StrEnum):
    """How soon the person should see a professional (shared/clinical/triage-policy.md).

    The values are the ones stored in the knowledge base and reused by the Django
    ``TriageLevel`` choices. Members are declared most urgent first.
    """

    EMERGENCY = "emergency"
    URGENT = "urgent"
    SOON = "soon"
    ROUTINE = "routine"
    SELF_CARE = "self_care"

    @property
    def rank(self) -> int:
        """Position in the policy's list, most urgent first: emergency is 0, self_care is 4.

        A smaller rank is more urgent; prefer ``is_more_urgent_than`` and ``most_urgent``
        over comparing ranks by hand.
        """
        return _RANKS[self]

    def is_more_urgent_than(self, other: Triage) -> bool:
        """Whether this level asks the person to act sooner than ``other``."""
        return _RANKS[self] < _RANKS[other]


_RANKS = {level: position for position, level in enumerate(Triage)}


def most_urgent(levels: Iterable[Triage]) -> Triage:
    """The most urgent of ``levels`` (which must not be empty)."""
    return min(levels, key=_RANKS.__getitem__)
