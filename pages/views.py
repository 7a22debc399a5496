"""Static information pages for patients."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.views.generic import TemplateView

HOUR = 3600
DAY = 24 * HOUR
RATE_PERIODS = {"s": 1, "m": 60, "h": HOUR, "d": DAY}


def rate_period_seconds(rate: str) -> int:
    """How long one count of a django-ratelimit rate lasts: "120/m" → 60, "10/5m" → 300."""
    match = re.fullmatch(r"\s*\d+\s*/\s*(\d*)\s*([smhd])\w*\s*", rate or "")
    if match is None:
        return 60
    return int(match[1] or 1) * RATE_PERIODS[match[2]]


def privacy_facts() -> dict[str, Any]:
    """What the privacy notice and the start page promise, read from the settings that enforce
    it (retention, session and cookie lifetimes, cookie names) and naming who runs the service."""
    csrf_age = settings.CSRF_COOKIE_AGE
    return {
        "operator_name": settings.SERVICE_OPERATOR_NAME,
        "operator_contact": settings.SERVICE_OPERATOR_CONTACT,
        "retention_days": settings.ASSESSMENT_RETENTION_DAYS,
        "session_hours": settings.SESSION_COOKIE_AGE // HOUR,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        # None: a browser-session cookie, gone when the browser closes.
        "csrf_cookie_days": None if csrf_age is None else max(1, round(csrf_age / DAY)),
        "rate_limit_minutes": max(
            1,
            round(
                max(
                    rate_period_seconds(settings.QUESTIONNAIRE_RATE_LIMIT),
                    rate_period_seconds(settings.SUMMARY_PDF_RATE_LIMIT),
                )
                / 60
            ),
        ),
    }


class StartView(TemplateView):
    """The start page: what the checker does, what it does not, and how answers are kept."""

    template_name = "pages/start.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **privacy_facts()}


class HowItWorksView(TemplateView):
    """How the checker reaches its advice, in plain words."""

    template_name = "pages/how_it_works.html"


class PrivacyView(TemplateView):
    """Who runs the service, what is stored, why, for how long, people's rights and the cookies:
    stated from the settings that enforce it."""

    template_name = "pages/privacy.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **privacy_facts()}
