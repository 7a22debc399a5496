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

from api.endpoints import DATABASE_DOWN, NOT_PUBLISHED
from api.fhir import (
    FHIR_JSON,
    QUESTIONNAIRE_ID,
    canonical_for,
    capability_statement,
    operation_outcome,
    questionnaire_resource,
    questionnaire_response_resource,
)
from api.validation import BODY_FIELD, InvalidAnswers, answers_from_body, decoded_json
from conditions.published import NoPublishedKnowledgeBase, published_knowledge_base
from symptomcheck.middleware import RETRY_AFTER_SECONDS
from symptomcheck.request_limits import request_body

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


FHIR_CONTENT_TYPES = ("application/fhir+json", "application/json")


def fhir_methods(
    *methods: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Only ``methods`` (HEAD with GET); any other is a 405 OperationOutcome with Allow."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                response = _outcome(
                    405, "not-supported", f"Use {' or '.join(sorted(methods))} here"
                )
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def fhir_body(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A body sent as anything but FHIR JSON or JSON is a 415 OperationOutcome."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.content_type not in FHIR_CONTENT_TYPES:
            return _outcome(
                415,
                "not-supported",
                "Send the body as application/fhir+json or application/json",
                BODY_FIELD,
            )
        return view(request, *args, **kwargs)

    return wrapped


@fhir_methods("GET")
@fhir_errors
def questionnaire(request: HttpRequest, questionnaire_id: str) -> HttpResponse:
    """GET /fhir/Questionnaire/hip-pain: the published questionnaire."""
    if questionnaire_id != QUESTIONNAIRE_ID:
        return _outcome(404, "not-found", f"No Questionnaire {questionnaire_id!r}")
    return fhir_response(questionnaire_resource(published_knowledge_base(), canonical_for(request)))


@fhir_methods("GET")
def metadata(request: HttpRequest) -> HttpResponse:
    """GET /fhir/metadata: the CapabilityStatement (the Questionnaire read, $from-answers)."""
    return fhir_response(capability_statement(canonical_for(request), date=timezone.now()))


# Stateless and cookie-free, like the JSON API: there is no session for a forged request to use.
@csrf_exempt
@fhir_methods("POST")
@fhir_body
@fhir_errors
def questionnaire_response_from_answers(request: HttpRequest) -> HttpResponse:
    """POST /fhir/QuestionnaireResponse/$from-answers: the answers body of the JSON API, returned
    as a completed QuestionnaireResponse."""
    raw = decoded_json(request_body(request))
    knowledge_base = published_knowledge_base()
    answers, _engine_answers = answers_from_body(raw, knowledge_base)
    return fhir_response(
        questionnaire_response_resource(
            answers, knowledge_base, canonical_for(request), authored=timezone.now()
        )
    )


def not_found(request: HttpRequest, unmatched: str = "") -> HttpResponse:
    """Any other address under /fhir/."""
    return _outcome(404, "not-found", "Not found")
