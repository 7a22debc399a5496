"""Static information pages for patients."""

from typing import Any

from django.conf import settings
from django.views.generic import TemplateView


class StartView(TemplateView):
    """The start page: what the checker does, what it does not, and how answers are kept."""

    template_name = "pages/start.html"


class HowItWorksView(TemplateView):
    """How the checker reaches its advice, in plain words."""

    template_name = "pages/how_it_works.html"


class PrivacyView(TemplateView):
    """What is stored, for how long, and why: stated from the settings that enforce it."""

    template_name = "pages/privacy.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["retention_days"] = settings.ASSESSMENT_RETENTION_DAYS
        context["session_hours"] = settings.SESSION_COOKIE_AGE // 3600
        return context
