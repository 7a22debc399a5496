"""Template filters of the doctor's summary."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template

from questionnaire.answers import AnswerGroup, answer_groups_by_step

register = template.Library()


@register.filter
def grouped_by_step(lines: Iterable[Mapping[str, Any]] | None) -> list[AnswerGroup]:
    """The summary's answer lines under the headings of the questionnaire's steps."""
    return answer_groups_by_step(lines or ())
