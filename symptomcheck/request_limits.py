"""Refusing request bodies the app cannot read, before anything reads them.

A form posted in another character set than UTF-8 (``charset=utf-16``) makes Django raise
``BadRequest`` wherever ``request.POST`` is first read: in the CSRF middleware, and again in the
error reporting that follows, which ended in a bare 500. Every form of this app is sent in
UTF-8, so such a body is refused here with the calm 400 page. The API and FHIR read JSON from
``request.body`` and answer in their own formats (415 for a form body), so they are left alone.
"""

from __future__ import annotations

from collections.abc import Callable

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
