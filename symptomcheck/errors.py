"""The project's own page for a refused permission (HTTP 403), in the style of where it happens.

In the admin, the admin's own layout, saying what was refused and who may do it ("Only a reviewer
can publish the knowledge base; ask a member of the Reviewers group", the message the view raised
PermissionDenied with); elsewhere, the site's layout.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


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
