"""The result page, the doctor's summary and its PDF, and starting over.

The questionnaire itself is the wizard in ``questionnaire.wizard``; it keeps the completed
assessment (``questionnaire.services``) and names it in the session, whose key it rotates then
(issue 14). Views are thin: they read the session, call the presentation, render.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django_ratelimit.decorators import ratelimit

from questionnaire.models import CompletedAssessment
from questionnaire.pdf import PdfBusy, pdf_slot, summary_as_pdf
from questionnaire.presentation import ResultGone, result_context
from questionnaire.services import completed_assessment_delete
from questionnaire.wizard import (
    SESSION_ASSESSMENT_KEY,
    SESSION_RESULT_KEY,
    QuestionnaireWizard,
    rate_from_setting,
)

__all__ = [
    "SESSION_ASSESSMENT_KEY",
    "SESSION_RESULT_KEY",
    "QuestionnaireWizard",
    "csrf_failure",
    "rate_limited",
    "result",
    "start_over",
    "summary",
    "summary_pdf",
]

PDF_BUSY_RETRY_SECONDS = 60


def stored_result_context(request: HttpRequest) -> dict[str, Any] | None:
    """What the result pages show of the assessment this session kept; None when there is none.

    A result that can no longer be shown (its kept copy deleted after the retention period, or
    kept by an older version of the app in another shape) is forgotten: the person starts again
    rather than meeting an error page.
    """
    stored = request.session.get(SESSION_RESULT_KEY)
    if not isinstance(stored, dict):
        return None
    kept = _kept_assessment(request.session.get(SESSION_ASSESSMENT_KEY))
    try:
        if kept is None:
            raise ResultGone
        return result_context(kept, stored)
    except ResultGone:
        request.session.pop(SESSION_RESULT_KEY, None)
        request.session.pop(SESSION_ASSESSMENT_KEY, None)
        return None


def _kept_assessment(assessment_id: Any) -> CompletedAssessment | None:
    if not isinstance(assessment_id, str):
        return None
    try:
        return CompletedAssessment.objects.filter(id=assessment_id).first()
    except ValidationError:  # not a UUID
        return None


def result(request: HttpRequest) -> HttpResponse:
    """The result: urgency first, then the conditions that fit, with their reasons."""
    context = stored_result_context(request)
    if context is None:
        return redirect("pages:start")
    return render(request, "questionnaire/result.html", context)


def summary(request: HttpRequest) -> HttpResponse:
    """A printable summary for the doctor."""
    context = stored_result_context(request)
    if context is None:
        return redirect("pages:start")
    return render(request, "questionnaire/summary.html", context)


@ratelimit(key="ip", rate=rate_from_setting("SUMMARY_PDF_RATE_LIMIT"), block=True)
def summary_pdf(request: HttpRequest) -> HttpResponse:
    """The doctor's summary as a PDF, rendered on the server from the same template."""
    context = stored_result_context(request)
    if context is None:
        return redirect("pages:start")
    try:
        with pdf_slot():
            html = render_to_string(
                "questionnaire/summary.html", {**context, "for_pdf": True}, request
            )
            pdf = summary_as_pdf(html, base_url=request.build_absolute_uri("/"))
    except PdfBusy:
        # Every slot is rendering someone's PDF: refuse now rather than slow every page.
        response = render(
            request,
            "errors/pdf_busy.html",
            {"summary_url": reverse("questionnaire:summary")},
            status=503,
        )
        response["Retry-After"] = str(PDF_BUSY_RETRY_SECONDS)
        return response
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="hip-pain-summary.pdf"'
    return response


def start_over(request: HttpRequest) -> HttpResponse:
    """Forget every answer, and the kept copy of a completed one (POST only); back to the start."""
    if request.method == "POST":
        assessment_id = request.session.get(SESSION_ASSESSMENT_KEY)
        if assessment_id:
            completed_assessment_delete(assessment_id=assessment_id)
        request.session.flush()
    return redirect("pages:start")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """An expired or missing form token: explain, and lead back to the question (answers kept)."""
    retry_url = request.path if request.path.startswith("/check/") else reverse("pages:start")
    return render(request, "errors/session_expired.html", {"retry_url": retry_url}, status=403)


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Too many submissions from one client: a clear page, not an error."""
    response = render(
        request, "errors/rate_limited.html", {"retry_url": request.get_full_path()}, status=429
    )
    response["Retry-After"] = "60"
    return response
