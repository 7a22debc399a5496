"""The JSON API, version 1 (django-ninja): the questionnaire, assessments and conditions.

Views are thin: each reads the published knowledge base, calls the engine as the patient pages
do, and returns plain data that the response schema checks. Errors are JSON too: a request the
engine cannot assess is a 400 naming each bad field, a missing knowledge base or database a 503.
The API is stateless and uses no cookies, so POST needs no CSRF token (ninja's default without
session authentication).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import Error as DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser

from api.interview import interview_payload
from api.presentation import assessment_payload, condition_payload, questionnaire_payload
from api.schemas import (
    AnswersIn,
    AssessmentOut,
    ConditionDetailOut,
    ConditionListOut,
    ErrorsOut,
    InterviewOut,
    MessageOut,
    QuestionnaireOut,
)
from api.validation import (
    BODY_FIELD,
    NOT_JSON,
    InvalidAnswers,
    answer_errors,
    answers_from_validated,
    decoded_json,
    field_name,
)
from conditions.engine import KnowledgeBase, assess
from conditions.knowledge_file import read_knowledge_document
from conditions.published import NoPublishedKnowledgeBase, published_knowledge_base
from questionnaire.steps import is_child
from symptomcheck.middleware import RETRY_AFTER_SECONDS
from symptomcheck.request_limits import request_body

logger = logging.getLogger(__name__)

NOT_PUBLISHED = (
    "No knowledge base has been published yet, so nothing can be assessed. Try again later."
)
DATABASE_DOWN = "The knowledge base cannot be read right now. Try again in a few minutes."
NOT_FOUND = "Not found"
UNAVAILABLE = {503: MessageOut}

JSON = "application/json"
NOT_JSON_MEDIA_TYPE = "Send the body as application/json"


class UnsupportedMediaType(Exception):
    """A body sent as something other than application/json."""


class StrictJSONParser(Parser):
    """JSON bodies only (415 otherwise), read as strictly as FHIR reads them: a key named twice
    in one object or a lone surrogate is a 400 (``api.validation.decoded_json``)."""

    def parse_body(self, request: HttpRequest) -> Any:
        if request.content_type != JSON:
            raise UnsupportedMediaType
        return decoded_json(request_body(request))


class SymptomcheckAPI(NinjaAPI):
    """ninja's API, whose OpenAPI schema lists the published finding codes.

    The finding codes are data: curators add and remove findings and publish a new version
    without a deploy. So the schema is built for each request of /api/v1/openapi.json from the
    version patients are answered from (cached in the process like every page's), and lists each
    code of ``findings`` as a property, ``additionalProperties: false``. When no version can be
    read (none published, or no database), it lists the seeded knowledge files' codes, what
    ``make database`` publishes first.
    """

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        findings = schema["components"]["schemas"]["AnswersIn"]["properties"]["findings"]
        findings.pop("additionalProperties", None)
        findings["properties"] = {
            code: {"anyOf": [{"type": "boolean"}, {"type": "null"}], "description": question}
            for code, question in finding_questions().items()
        }
        findings["additionalProperties"] = False
        return schema


def finding_questions() -> dict[str, str]:
    """Finding code → question, of the published knowledge base (else of the seed files)."""
    try:
        knowledge_base = published_knowledge_base()
    except (NoPublishedKnowledgeBase, DatabaseError):
        return seeded_finding_questions()
    return {code: finding.question for code, finding in sorted(knowledge_base.findings.items())}


@lru_cache(maxsize=1)
def seeded_finding_questions() -> dict[str, str]:
    document = read_knowledge_document(Path(settings.BASE_DIR) / "knowledge")
    return {f["code"]: f["question"] for f in sorted(document["findings"], key=lambda f: f["code"])}


api = SymptomcheckAPI(
    parser=StrictJSONParser(),
    title="Symptomcheck API",
    version="1",
    description=(
        "How urgently a person with hip pain should see a professional, and which conditions "
        "could fit, from the published knowledge base. Guidance, not a diagnosis. Every result "
        "names the knowledge-base version it comes from."
    ),
    urls_namespace="api-v1",
    # Served from ninja's own static files (no CDN: the docs page must work offline), and no
    # call to the public Swagger validator either.
    docs=Swagger(settings={"validatorUrl": None}),
)


@api.get(
    "/questionnaire",
    operation_id="questionnaire",
    response={200: QuestionnaireOut, **UNAVAILABLE},
    summary="The questions to ask",
    tags=["questionnaire"],
)
def questionnaire(request: HttpRequest) -> dict[str, Any]:
    """The published questions: age, sex and duration first, then the yes / no findings."""
    return questionnaire_payload(published_knowledge_base())


@api.post(
    "/assessments",
    operation_id="assessment_create",
    response={200: AssessmentOut, 400: ErrorsOut, 415: MessageOut, **UNAVAILABLE},
    summary="Assess one person's answers",
    tags=["assessments"],
)
def assessment_create(request: HttpRequest, answers: AnswersIn) -> dict[str, Any]:
    """The triage level with its reasons, and the conditions that fit, with their explanations.

    A finding left out (or null) is "not sure": the level is decided from what is known, and
    each warning sign left open that would make it more urgent is listed in
    ``unanswered_warning_signs`` with the level it would bring and what to do if it applies.
    Nothing is stored: the same answers against the same version always give the same result.
    """
    knowledge_base = published_knowledge_base()
    person = answers_from_validated(answers, knowledge_base)
    assessment = assess(knowledge_base, person)
    return assessment_payload(assessment, knowledge_base, for_child=is_child(person.age))


@api.post(
    "/interview",
    operation_id="interview_next",
    response={200: InterviewOut, 400: ErrorsOut, 415: MessageOut, **UNAVAILABLE},
    summary="The next questions to ask, or that the answers are clear enough",
    tags=["assessments"],
)
def interview_next(request: HttpRequest, answers: AnswersIn) -> dict[str, Any]:
    """The adaptive interview, stateless: send the answers so far, get the next page of
    questions (warning signs first, then the most useful) or ``should_stop``.

    A finding sent as null was asked and answered "not sure"; one left out was not asked yet.
    Age, sex and duration are asked first, by the client. Stop when ``should_stop`` is true and
    show ``assessment``; it never stops while a warning sign that could raise the level is
    unasked. Nothing is stored.
    """
    knowledge_base = published_knowledge_base()
    person = answers_from_validated(answers, knowledge_base)
    return interview_payload(knowledge_base, person, answers)


@api.get(
    "/conditions",
    operation_id="condition_list",
    response={200: ConditionListOut, **UNAVAILABLE},
    summary="The published conditions",
    tags=["conditions"],
)
def condition_list(request: HttpRequest) -> dict[str, Any]:
    """Every named condition of the published knowledge base, by code."""
    knowledge_base = published_knowledge_base()
    return {
        "knowledge_base_version": knowledge_base.version,
        "conditions": [condition_payload(condition) for condition in knowledge_base.conditions],
    }


@api.get(
    "/conditions/{code}",
    operation_id="condition_detail",
    response={200: ConditionDetailOut, 404: MessageOut, **UNAVAILABLE},
    summary="One published condition",
    tags=["conditions"],
)
def condition_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """One named condition of the published knowledge base."""
    knowledge_base = published_knowledge_base()
    # "other_causes" is scored but is not a condition a person can be told they have.
    if not knowledge_base.has_condition(code) or knowledge_base.condition(code).is_other_causes:
        raise Http404(f"No published condition {code!r}")
    return {
        "knowledge_base_version": knowledge_base.version,
        **condition_payload(knowledge_base.condition(code)),
    }


# --- errors ------------------------------------------------------------------------------------


def _errors(request: HttpRequest, errors: list[dict[str, str]]) -> HttpResponse:
    return api.create_response(request, {"errors": errors}, status=400)


def _message(request: HttpRequest, message: str, status: int) -> HttpResponse:
    response = api.create_response(request, {"message": message}, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.exception_handler(InvalidAnswers)
def invalid_answers(request: HttpRequest, exc: InvalidAnswers) -> HttpResponse:
    return _errors(request, exc.errors)


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Pydantic's errors, re-worded by the engine where it names the same field (validation)."""
    errors: list[dict[str, str]] = []
    body_errors = [error for error in exc.errors if error["loc"][:1] == ("body",)]
    if body_errors:
        # ninja has parsed this body already; an empty body is None. loc is
        # ("body", <parameter name>, *field path).
        body = request_body(request)
        raw = json.loads(body) if body else None
        relative = [{**error, "loc": error["loc"][2:]} for error in body_errors]
        errors = answer_errors(raw, relative, _knowledge_base_if_any())
    errors += [
        {"field": field_name(error["loc"][1:]), "message": str(error["msg"])}
        for error in exc.errors
        if error["loc"][:1] != ("body",)
    ]
    return _errors(request, errors)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja turns any error of the parser into HttpError(400) raised from it.
    if isinstance(exc.__cause__, UnsupportedMediaType):
        return _message(request, NOT_JSON_MEDIA_TYPE, 415)
    if isinstance(exc.__cause__, InvalidAnswers):
        return _errors(request, exc.__cause__.errors)
    if isinstance(exc.__cause__, RequestDataTooBig):
        return request_too_large(request, exc.__cause__)
    if exc.status_code == 400:
        # ninja's only 400: a body that is not JSON.
        return _errors(request, [{"field": BODY_FIELD, "message": NOT_JSON}])
    return _message(request, exc.message, exc.status_code)


@api.exception_handler(RequestDataTooBig)
def request_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # E.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE: Django would answer 400 with an HTML page.
    return _errors(request, [{"field": BODY_FIELD, "message": "The request is too large"}])


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _message(request, str(exc) or NOT_FOUND, 404)


@api.exception_handler(NoPublishedKnowledgeBase)
def not_published(request: HttpRequest, exc: NoPublishedKnowledgeBase) -> HttpResponse:
    return _message(request, NOT_PUBLISHED, 503)


@api.exception_handler(DatabaseError)
def database_unavailable(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    # The API's only query is the published version; any database error is the database's.
    # The error text can name the server: log the type only, as the pages do.
    logger.warning("Database unavailable (%s) on %s", type(exc).__name__, request.path)
    return _message(request, DATABASE_DOWN, 503)


def _knowledge_base_if_any() -> KnowledgeBase | None:
    """The published knowledge base to name unknown finding codes, or None when unavailable.

    The request is refused either way; without a knowledge base only the codes go unchecked.
    """
    try:
        return published_knowledge_base()
    except (NoPublishedKnowledgeBase, DatabaseError):
        return None


def json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a method an address does not take with an empty text 405: make it JSON."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(JSON):
            return response
        allowed = response.get("Allow", "")
        message = _message(request, f"Method not allowed: use {allowed}", 405)
        message["Allow"] = allowed
        return message

    return wrapped


def json_not_found(request: HttpRequest, unmatched: str = "") -> HttpResponse:
    """Any other address under /api/v1/: a JSON 404, not the HTML page."""
    return _message(request, NOT_FOUND, 404)
