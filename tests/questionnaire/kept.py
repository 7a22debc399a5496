"""Putting a kept result in a test client's session, as the questionnaire's last step does."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.test import Client

from conditions.engine import answers_from_mapping, assess
from conditions.published import published_knowledge_base
from questionnaire.models import CompletedAssessment
from questionnaire.services import completed_assessment_create
from questionnaire.views import SESSION_ASSESSMENT_KEY, SESSION_RESULT_KEY


def keep_result(
    client: Client,
    answers: Mapping[str, Any],
    *,
    interrupted: bool = False,
    lines: Iterable[Mapping[str, Any]] = (),
) -> CompletedAssessment:
    """Assess ``answers`` against the latest published version, keep the assessment and name
    it in the client's session with the summary's answer lines."""
    knowledge_base = published_knowledge_base()
    assessment = assess(
        knowledge_base, answers_from_mapping(answers, knowledge_base=knowledge_base)
    )
    kept = completed_assessment_create(
        answers=dict(answers), assessment=assessment, interrupted=interrupted
    )
    session = client.session
    session[SESSION_ASSESSMENT_KEY] = str(kept.id)
    session[SESSION_RESULT_KEY] = {"lines": list(lines), "version_replaced": False}
    session.save()
    return kept
