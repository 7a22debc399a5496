"""Cross-cutting HTTP behaviour: security headers, and a calm page when the database is away."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def client_address(request: HttpRequest) -> str:
    """The client's address as the socket saw it; forwarded headers are never trusted."""
    return request.META.get("REMOTE_ADDR", "")


class SecurityHeadersMiddleware:
    """Headers Django has no setting for: Permissions-Policy, and no caching of answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        # Pages carry health answers and results: never keep them in a shared or browser cache.
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response


class DatabaseUnavailableMiddleware:
    """Answer HTTP 503 with a calm page, not a 500, while PostgreSQL cannot be reached.

    The questionnaire's answers live in file-based sessions, so nothing is lost; Django's
    connection health checks reconnect by themselves once the database is back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # The error text can name the server but never the answers; log the type only.
        logger.warning("Database unavailable (%s) on %s", type(exception).__name__, request.path)
        if request.path.startswith(("/api/", "/fhir/")):
            response: HttpResponse = HttpResponse(
                '{"message": "The service is temporarily unavailable. Try again shortly."}',
                content_type="application/json",
                status=503,
            )
        else:
            response = TemplateResponse(
                request,
                "errors/database_unavailable.html",
                {"retry_url": request.get_full_path()},
                status=503,
            ).render()
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
