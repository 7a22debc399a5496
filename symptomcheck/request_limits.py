"""Refusing request bodies the app cannot read, before anything reads them.

A form posted in another character set than UTF-8 (``charset=utf-16``) makes Django raise
``BadRequest`` wherever ``request.POST`` is first read: in the CSRF middleware, and again in the
error reporting that follows, which ended in a bare 500. Every form of this app is sent in
UTF-8, so such a body is refused here with the calm 400 page. The API and FHIR read JSON from
``request.body`` and answer in their own formats (415 for a form body), so they are left alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
UTF8_NAMES = ("utf-8", "utf8")
JSON_PATHS = ("/api/", "/fhir/")


def unreadable_form_charset(request: HttpRequest) -> bool:
    """Whether ``request`` posts a form body declared in a character set other than UTF-8."""
    if request.content_type not in FORM_CONTENT_TYPES:
        return False
    charset = request.content_params.get("charset")
    return charset is not None and charset.strip().strip('"').lower() not in UTF8_NAMES


class FormCharsetMiddleware:
    """A form body in a character set other than UTF-8: the calm 400 page, never a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(JSON_PATHS) or not unreadable_form_charset(request):
            return self.get_response(request)
        return TemplateResponse(request, "400.html", status=400).render()


class PublicRequestSizeMiddleware:
    """The public site's body limits (REQUEST_BODY_MAX_BYTES, REQUEST_MAX_FIELDS).

    Django's own limits are the admin's, which must take a whole condition page. Outside the
    admin a form body over the public limits gets the calm 400 page here; an API or FHIR body is
    marked, and ``request_body`` refuses it in the endpoint's own format.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(f"/{settings.ADMIN_PATH}"):
            return self.get_response(request)
        if request.path.startswith(JSON_PATHS):
            request.body_over_limit = _declared_length(request) > settings.REQUEST_BODY_MAX_BYTES
            return self.get_response(request)
        if _declared_length(request) > settings.REQUEST_BODY_MAX_BYTES or (
            request.content_type == "application/x-www-form-urlencoded"
            and request.body.count(b"&") + 1 > settings.REQUEST_MAX_FIELDS
        ):
            return TemplateResponse(request, "400.html", status=400).render()
        return self.get_response(request)


def request_body(request: HttpRequest) -> bytes:
    """``request.body`` of an API or FHIR request; RequestDataTooBig over the public limit."""
    if getattr(request, "body_over_limit", False):
        raise RequestDataTooBig("The request body is over REQUEST_BODY_MAX_BYTES.")
    body = request.body
    if len(body) > settings.REQUEST_BODY_MAX_BYTES:
        raise RequestDataTooBig("The request body is over REQUEST_BODY_MAX_BYTES.")
    return body


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
