"""/api/v1/: the JSON API, its OpenAPI schema (openapi.json) and its documentation page (docs)."""

from django.urls import URLPattern, URLResolver, path, re_path

from api.endpoints import api, json_method_not_allowed, json_not_found


def _json_405(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """Each of ninja's views, answering a method it does not take with a JSON 405."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _json_405(pattern.url_patterns)
        else:
            pattern.callback = json_method_not_allowed(pattern.callback)
    return patterns


# Not named app_name: include("api.urls") would take it as this module's namespace.
_patterns, _app_name, _namespace = api.urls

urlpatterns = [
    path("", (_json_405(_patterns), _app_name, _namespace)),
    re_path(r"^(?P<unmatched>.*)$", json_not_found),
]
