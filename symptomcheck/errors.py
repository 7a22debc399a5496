"""The project's own pages for a refused permission (HTTP 403) and an unexpected error (500).

In the admin, the admin's own layout, saying what was refused and who may do it ("Only a reviewer
can publish the knowledge base; ask a member of the Reviewers group", the message the view raised
PermissionDenied with); elsewhere, the site's layout.
"""

from __future__ import annotations

import sys

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from symptomcheck.middleware import is_service_unavailable, service_unavailable


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    # A bare PermissionDenied() has no message; the page then says who may do what in general.
    message = str(exception) if isinstance(exception, PermissionDenied) else ""
    if request.path.startswith(reverse("admin:index")):
        context = {
            **admin.site.each_context(request),
            "title": "You cannot do this",
            "exception": message,
        }
        return render(request, "admin/403.html", context, status=403)
    return render(request, "403.html", {"exception": message}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500, unless a backing service is away: then the calm 503 with Retry-After.

    The database's errors in views are caught by ``DatabaseUnavailableMiddleware``; this catches
    those raised where no middleware's ``process_exception`` sees them, such as Redis refusing
    the session save in ``SessionMiddleware`` on the way out (REDIS_URL set, Redis down).
    """
    exception = sys.exc_info()[1]
    if is_service_unavailable(exception):
        return service_unavailable(request, exception)
    # Rendered without the request: its session or user may be what failed.
    return render(None, "500.html", status=500)
