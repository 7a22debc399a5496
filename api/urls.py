"""/api/v1/: the JSON API, its OpenAPI schema (openapi.json) and its documentation page (docs)."""

from django.urls import path, re_path

from api.endpoints import api, json_not_found

urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<unmatched>.*)$", json_not_found),
]
