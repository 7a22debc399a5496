"""A health endpoint for load balancers and monitors: is the database reachable?"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from symptomcheck.middleware import RETRY_AFTER_SECONDS


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """200 with {"database": "ok"} when PostgreSQL answers, else 503 with "unavailable" and
    Retry-After."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # Drop the broken connection so the next check reconnects as soon as the server is back.
        connection.close_if_unusable_or_obsolete()
        response = JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
        # When a monitor or load balancer may ask again, as the 503 page tells browsers.
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})
