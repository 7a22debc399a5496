"""Root URLs: the patient pages, and Django admin at the configured path."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from symptomcheck.health import health

urlpatterns = [
    # Two-step verification for staff, under the admin's path (before the admin's catch-all).
    path(f"{settings.ADMIN_PATH}two-step/", include("staff_security.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("health/", health, name="health"),
    path("conditions/", include("conditions.urls")),
    path("api/v1/", include("api.urls")),
    path("fhir/", include("api.fhir_urls")),
    path("", include("questionnaire.urls")),
    path("", include("pages.urls")),
]

# A refused permission shows the project's page, in the admin's style within the admin.
handler403 = "symptomcheck.errors.permission_denied"
handler500 = "symptomcheck.errors.server_error"
