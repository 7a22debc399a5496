"""Turning a request body into ``Answers``, with every problem named by its field.

Two gates, one set of messages. The pydantic model (``AnswersIn``) checks the JSON types and
documents them in the OpenAPI schema; ``answers_from_mapping`` (the engine, as the patient pages
use it) checks the rest, such as finding codes the published knowledge base does not know.
Whichever gate refuses the body, the errors are the engine's own, listed all at once, so a field
gets the same message from the API, the FHIR operation and the engine.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pydantic

from api.schemas import AnswersIn, whole_number
from conditions.engine import Answers, AnswersError, KnowledgeBase, answers_from_mapping

BODY_FIELD = "body"
NOT_JSON = "The body is not valid JSON: send an object with age, sex, duration_weeks and findings"
DUPLICATE_KEY = "The body names the same key twice in one object: send each key once"
NOT_UNICODE = "The body is not valid Unicode: it holds a lone surrogate (\\ud800 to \\udfff)"
NOT_AN_OBJECT = "Send a JSON object with age, sex, duration_weeks and findings"

FieldErrors = list[dict[str, str]]


class InvalidAnswers(Exception):
    """The body cannot be assessed; ``errors`` lists each problem as ``{field, message}``."""

    def __init__(self, errors: FieldErrors) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


class DuplicateKey(ValueError):
    """A JSON object names the same key twice (json.loads would keep the last silently)."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"duplicate key {key!r}")


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateKey(key)
        found[key] = value
    return found


def decoded_json(body: bytes) -> Any:
    """The JSON value of a request body (None when empty); ``InvalidAnswers`` if not JSON.

    Stricter than ``json.loads``: an object naming a key twice, and a string holding a lone
    surrogate (``"\\udc00"``, which no UTF-8 response could echo), are refused too.
    """
    if not body:
        return None
    try:
        value = json.loads(body, object_pairs_hook=_object_without_duplicates)
    except DuplicateKey as error:
        field = json.dumps(error.key)  # ASCII, whatever the key holds
        raise InvalidAnswers(
            [{"field": BODY_FIELD, "message": f"{DUPLICATE_KEY} ({field})"}]
        ) from None
    except (ValueError, RecursionError):
        # ValueError covers malformed JSON, bad UTF-8 and integers too long to convert.
        raise InvalidAnswers([{"field": BODY_FIELD, "message": NOT_JSON}]) from None
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidAnswers([{"field": BODY_FIELD, "message": NOT_UNICODE}]) from None
    return value


def answers_from_body(raw: Any, knowledge_base: KnowledgeBase) -> tuple[AnswersIn, Answers]:
    """Validate a decoded JSON body; the typed body and the engine's ``Answers``."""
    try:
        validated = AnswersIn.model_validate(raw)
    except pydantic.ValidationError as error:
        raise InvalidAnswers(
            answer_errors(raw, error.errors(include_url=False), knowledge_base)
        ) from None
    return validated, answers_from_validated(validated, knowledge_base)


def answers_from_validated(validated: AnswersIn, knowledge_base: KnowledgeBase) -> Answers:
    """The engine's ``Answers`` for a body that passed the type checks."""
    try:
        return answers_from_mapping(validated.model_dump(), knowledge_base=knowledge_base)
    except AnswersError as error:
        raise InvalidAnswers(_listed(error.errors)) from None


def answer_errors(
    raw: Any,
    type_errors: Iterable[Mapping[str, Any]],
    knowledge_base: KnowledgeBase | None,
) -> FieldErrors:
    """Every problem with ``raw``: the engine's messages, then any type error it did not name.

    ``type_errors`` are pydantic errors whose ``loc`` is relative to the body.
    """
    if not isinstance(raw, Mapping):
        return [{"field": BODY_FIELD, "message": NOT_AN_OBJECT}]
    if "age" in raw:
        raw = {**raw, "age": whole_number(raw["age"])}  # as AnswersIn reads it
    try:
        answers_from_mapping(raw, knowledge_base=knowledge_base)
        found: dict[str, str] = {}
    except AnswersError as error:
        found = dict(error.errors)
    for type_error in type_errors:
        # Should the engine ever accept what the types refuse, the request is still refused.
        found.setdefault(field_name(type_error["loc"]), str(type_error["msg"]))
    return _listed(found)


def field_name(loc: Iterable[Any]) -> str:
    """``("findings", "fever")`` → ``"findings.fever"``; the body itself is ``"body"``."""
    return ".".join(str(part) for part in loc) or BODY_FIELD


def _listed(errors: Mapping[str, str]) -> FieldErrors:
    return [{"field": field, "message": message} for field, message in errors.items()]
