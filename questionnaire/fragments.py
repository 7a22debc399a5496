"""Which rendered question blocks can be shared between people, and under which cache key.

A step nobody has answered yet looks the same for everyone who is asked the same questions in
the same language: its HTML is rendered once per process and reused (Django's ``{% cache %}``
tag, in the "fragments" cache). A step holding answers or errors is always rendered afresh.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.utils.translation import get_language


def shared_questions_key(step: str, form: forms.Form) -> str | None:
    """The cache key of this step's question block, or None when it must be rendered afresh.

    The key is made from what the block shows (the questions' codes, wording and hints, and the
    language), so a newly published wording can never be served from an older entry.
    """
    if form.is_bound or form.initial:
        return None
    # A Question's repr names every field it has (a frozen dataclass).
    content = repr((step, get_language(), tuple(getattr(form, "questions", ()))))
    return hashlib.sha256(content.encode()).hexdigest()
