"""The FHIR R4 endpoints: the Questionnaire, and answers turned into a QuestionnaireResponse.

Thin views over ``api.fhir``; errors are ``OperationOutcome`` resources, as FHIR clients expect.
The answers are validated exactly as POST /api/v1/assessments validates them (``api.validation``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import Error as DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from api.endpoints import DATABASE_DOWN, NOT_PUBLISHED
from api.fhir import (
    FHIR_JSON,
    QUESTIONNAIRE_ID,
    operation_outcome,
    questionnaire_resource,
    questionnaire_response_resource,
)
from api.validation import BODY_FIELD, InvalidAnswers, answers_from_body, decoded_json
from conditions.published import NoPublishedKnowledgeBase, published_knowledge_base
from symptomcheck.middleware import RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)


def fhir_response(resource: dict[str, Any], status: int = 200) -> HttpResponse:
    """A FHIR resource as application/fhir+json."""
    return HttpResponse(
        json.dumps(resource, ensure_ascii=False), content_type=FHIR_JSON, status=status
    )


def _outcome(status: int, code: str, message: str, field: str = "") -> HttpResponse:
    issue = {"severity": "error", "code": code, "message": message, "field": field}
    response = fhir_response(operation_outcome([issue]), status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def fhir_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer with an OperationOutcome, never an HTML error page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except InvalidAnswers as error:
            issues = [
                {"severity": "error", "code": "invalid", **problem} for problem in error.errors
            ]
            return fhir_response(operation_outcome(issues), status=400)
        except RequestDataTooBig:
            return _outcome(400, "too-long", "The request is too large", BODY_FIELD)
        except NoPublishedKnowledgeBase:
            return _outcome(503, "transient", NOT_PUBLISHED)
        except DatabaseError as error:
            # The error text can name the server: log the type only, as the pages do.
            logger.warning("Database unavailable (%s) on %s", type(error).__name__, request.path)
            return _outcome(503, "transient", DATABASE_DOWN)

    return wrapped


@require_GET
@fhir_errors
def questionnaire(request: HttpRequest, questionnaire_id: str) -> HttpResponse:
    """GET /fhir/Questionnaire/hip-pain: the published questionnaire."""
    if questionnaire_id != QUESTIONNAIRE_ID:
        return _outcome(404, "not-found", f"No Questionnaire {questionnaire_id!r}")
    return fhir_response(questionnaire_resource(published_knowledge_base()))


# Stateless and cookie-free, like the JSON API: there is no session for a forged request to use.
@csrf_exempt
@require_POST
@fhir_errors
def questionnaire_response_from_answers(request: HttpRequest) -> HttpResponse:
    """POST /fhir/QuestionnaireResponse/$from-answers: the answers body of the JSON API, returned
    as a completed QuestionnaireResponse."""
    raw = decoded_json(request.body)
    knowledge_base = published_knowledge_base()
    answers, _engine_answers = answers_from_body(raw, knowledge_base)
    return fhir_response(
        questionnaire_response_resource(answers, knowledge_base, authored=timezone.now())
    )


def not_found(request: HttpRequest, unmatched: str = "") -> HttpResponse:
    """Any other address under /fhir/."""
    return _outcome(404, "not-found", "Not found")
