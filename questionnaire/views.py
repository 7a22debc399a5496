"""The questionnaire (a django-formtools wizard), the result page and the doctor's summary.

Views are thin: they parse input, call the engine through the published knowledge base, render.
The wizard keeps its answers server-side in the session; ``done()`` hands them to the engine.
A questionnaire is asked and assessed under the version it started with (kept in the wizard's
storage at its first step). The result pages show the assessment kept when it finished, named
in the session, whose key is rotated then (issue 14).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit
from formtools.wizard.views import NamedUrlSessionWizardView

from conditions.engine import (
    Assessment,
    KnowledgeBase,
    KnowledgeBaseError,
    Triage,
    answers_from_mapping,
    assess,
)
from conditions.published import (
    NoPublishedKnowledgeBase,
    published_knowledge_base,
    published_knowledge_base_version,
)
from questionnaire.answers import answer_groups_by_step, answer_lines, answers_mapping
from questionnaire.forms import AboutYouForm, BodyMapForm, FindingsForm
from questionnaire.fragments import shared_questions_key
from questionnaire.models import CompletedAssessment
from questionnaire.pdf import PdfBusy, pdf_slot, summary_as_pdf
from questionnaire.presentation import ResultGone, result_context
from questionnaire.services import completed_assessment_create, completed_assessment_delete
from questionnaire.steps import (
    ABOUT_YOU,
    BODY_MAP_STEP,
    FINDING_STEPS,
    STEP_TITLES,
    emergency_steps,
    questions_for_step,
    questions_of,
)

CHECK_ANSWERS = "check_answers"
SESSION_RESULT_KEY = "questionnaire_result"
SESSION_ASSESSMENT_KEY = "questionnaire_assessment_id"
RETURN_TO_CHECK = "return-to-check"
AGE_KEY = "age"
# The knowledge-base version the questionnaire started under, and whether it had to be replaced.
VERSION_KEY = "knowledge_base_version"
VERSION_REPLACED_KEY = "knowledge_base_version_replaced"
UNKNOWN_AGE = object()
PDF_BUSY_RETRY_SECONDS = 60


def _step_has_questions(step: str):
    def condition(wizard: QuestionnaireWizard) -> bool:
        return bool(wizard.questions_for(step))

    return condition


# What a stored value may be at most: a choice's longest value, else this many characters (an
# age or a number of weeks, typed with room to spare; a longer one is dropped, not cut short).
MAX_TYPED_VALUE_LENGTH = 40


def form_fields_of(form: forms.Form, data: Any, *, management_key: str) -> dict[str, list[str]]:
    """The values of ``data`` (a POST) that ``form`` can read, and the wizard's current step.

    Every other key is dropped; so is a value longer than its field can hold, and values beyond
    the number the field takes (one, or one per choice for a multiple choice).
    """
    kept: dict[str, list[str]] = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        longest = MAX_TYPED_VALUE_LENGTH
        count = 1
        if isinstance(field, forms.ChoiceField):
            values = [str(value) for value, _label in field.choices]
            longest = max(map(len, values), default=0)
            if isinstance(field, forms.MultipleChoiceField):
                count = len(values)
        found = [value for value in data.getlist(key)[:count] if len(value) <= longest]
        if found:
            kept[key] = found
    step = data.get(management_key)
    if step is not None and len(step) <= MAX_TYPED_VALUE_LENGTH:
        kept[management_key] = [step]
    return kept


class CheckAnswersForm(forms.Form):
    """The "Check your answers" step: nothing to fill in; the template lists the answers."""


def rate_from_setting(name: str):
    """A django-ratelimit rate read from a setting on each request (so tests can change it)."""

    def rate(group: str, request: HttpRequest) -> str:
        return getattr(settings, name)

    return rate


@method_decorator(
    ratelimit(
        key="ip", rate=rate_from_setting("QUESTIONNAIRE_RATE_LIMIT"), method="POST", block=True
    ),
    name="post",
)
class QuestionnaireWizard(NamedUrlSessionWizardView):
    """The multi-step hip-pain questionnaire."""

    form_list = [
        (ABOUT_YOU, AboutYouForm),
        *[(step, BodyMapForm if step == BODY_MAP_STEP else FindingsForm) for step in FINDING_STEPS],
        (CHECK_ANSWERS, CheckAnswersForm),
    ]
    condition_dict = {step: _step_has_questions(step) for step in FINDING_STEPS}
    template_name = "questionnaire/step.html"
    storage_name = "questionnaire.storage.ChangedOnlySessionStorage"

    # --- what each step asks -------------------------------------------------------------
    # Every step's condition needs the snapshot and the age: the snapshot is read once per
    # request, and the age is kept beside the answers when "About you" is stored.
    _knowledge_base: KnowledgeBase | None = None

    def knowledge_base(self) -> KnowledgeBase:
        """The version this questionnaire started under (remembered at its first step), so that
        a publish while someone answers changes neither their questions nor their assessment;
        the latest when that version can no longer be loaded (noted for the result)."""
        if self._knowledge_base is None:
            self._knowledge_base = self._started_version()
        return self._knowledge_base

    def _started_version(self) -> KnowledgeBase:
        storage = getattr(self, "storage", None)
        started = storage.extra_data.get(VERSION_KEY) if storage is not None else None
        if isinstance(started, int):
            try:
                return published_knowledge_base_version(started)
            except (NoPublishedKnowledgeBase, KnowledgeBaseError):
                latest = published_knowledge_base()
                storage.extra_data = {
                    **storage.extra_data,
                    VERSION_KEY: latest.version,
                    VERSION_REPLACED_KEY: True,
                }
                return latest
        latest = published_knowledge_base()
        if storage is not None:
            storage.extra_data = {**storage.extra_data, VERSION_KEY: latest.version}
        return latest

    def questions(self):
        return questions_of(self.knowledge_base())

    def age(self) -> int | None:
        """The age given in "About you", if its stored answers are valid (else None)."""
        about = self.storage.get_step_data(ABOUT_YOU) if self.storage else None
        if not about:
            return None
        # Kept beside the answers whenever "About you" is stored, so that the steps' conditions
        # need not validate it again on every request.
        known = self.storage.extra_data.get(AGE_KEY, UNKNOWN_AGE)
        if known is not UNKNOWN_AGE:
            return known
        return self.remember_age(about)

    def remember_age(self, about: dict[str, Any]) -> int | None:
        """Validate stored "About you" answers and keep their age (None when they are invalid)."""
        form = AboutYouForm(data=about, prefix=self.get_form_prefix(ABOUT_YOU, AboutYouForm))
        return self.keep_age(form.cleaned_data["age"] if form.is_valid() else None)

    def keep_age(self, age: int | None) -> int | None:
        self.storage.extra_data = {**self.storage.extra_data, AGE_KEY: age}
        return age

    def questions_for(self, step: str):
        return questions_for_step(self.questions(), step, self.age())

    def get_form_kwargs(self, step: str | None = None) -> dict[str, Any]:
        if step in FINDING_STEPS:
            return {"questions": self.questions_for(step)}
        return {}

    # --- navigation ------------------------------------------------------------------------
    def post(self, *args, **kwargs) -> HttpResponse:
        try:
            # Back and "Change" must never lose what the person typed on this step, valid or not
            # (formtools discards it: jazzband/django-formtools#284).
            if self.request.POST.get("wizard_goto_step"):
                kept = self.process_step_data()
                if kept is not None:
                    self.storage.set_step_data(self.steps.current, kept)
                    if self.steps.current == ABOUT_YOU:
                        self.remember_age(self.storage.get_step_data(ABOUT_YOU))
            # A current_step naming no step of this questionnaire would reach formtools'
            # get_form() and fail with a KeyError (formtools #131): refuse it here.
            posted_step = self.request.POST.get(f"{self.prefix}-current_step")
            if posted_step is not None and posted_step not in self.get_form_list():
                raise SuspiciousOperation("The wizard's current_step names no step.")
            return super().post(*args, **kwargs)
        except (SuspiciousOperation, ValidationError):
            # A tampered or missing management form (formtools raises SuspiciousOperation):
            # a clear page, not a 500 nor Django's bare "Bad Request (400)".
            return render(
                self.request,
                "questionnaire/bad_request.html",
                {"step_url": self.get_step_url(self.steps.current)},
                status=400,
            )

    def process_step(self, form: forms.Form) -> dict[str, Any]:
        if self.steps.current == ABOUT_YOU:
            self.keep_age(form.cleaned_data["age"])
        return super().process_step(form)

    def process_step_data(self) -> dict[str, list[str]] | None:
        """What Back keeps of this step's POST: its form's fields only (None: no such step)."""
        if self.steps.current not in self.get_form_list():
            return None
        return self.get_form_step_data(self.get_form(data=self.request.POST))

    def get_form_step_data(self, form: forms.Form) -> dict[str, list[str]]:
        # formtools stores the whole POST (form.data); a step keeps only what its form reads.
        return form_fields_of(form, form.data, management_key=f"{self.prefix}-current_step")

    def render_next_step(self, form, **kwargs) -> HttpResponse:
        interrupted = self.emergency_so_far()
        if interrupted is not None:
            return interrupted
        if self.request.GET.get(RETURN_TO_CHECK) and self.steps.current != CHECK_ANSWERS:
            return redirect(self.get_step_url(CHECK_ANSWERS))
        return super().render_next_step(form, **kwargs)

    def emergency_so_far(self) -> HttpResponse | None:
        """Stop at once, before any further question, when the answers so far fire an emergency."""
        knowledge_base = self.knowledge_base()
        if self.steps.current not in emergency_steps(knowledge_base):
            return None  # this step's answers cannot fire an emergency rule
        cleaned = self.cleaned_so_far()
        if ABOUT_YOU not in cleaned:
            return None
        answers, assessment = self.assessed(cleaned)
        if assessment.triage is Triage.EMERGENCY and assessment.fired_red_flags:
            return self.finish(cleaned, answers, assessment, interrupted=True)
        return None

    def cleaned_so_far(self) -> dict[str, dict[str, Any]]:
        """The cleaned answers of every step that has valid stored data."""
        cleaned: dict[str, dict[str, Any]] = {}
        for step in self.get_form_list():
            if step == CHECK_ANSWERS:
                continue
            data = self.storage.get_step_data(step)
            if data is None:
                continue
            form = self.get_form(step=step, data=data)
            if form.is_valid():
                cleaned[step] = form.cleaned_data
        return cleaned

    def get_context_data(self, form, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(form=form, **kwargs)
        step = self.steps.current
        context.update(
            step_title=STEP_TITLES.get(step, _("Check your answers")),
            is_body_map=step == BODY_MAP_STEP,
            is_check_answers=step == CHECK_ANSWERS,
            shared_questions_key=shared_questions_key(step, form),
        )
        if step == CHECK_ANSWERS:
            context["answer_groups"] = self.answer_groups()
        return context

    def answer_groups(self) -> list[dict[str, Any]]:
        """Check your answers: the answers step by step, with one "Change" link per step."""
        lines = answer_lines(self.cleaned_so_far(), self.questions())
        return [
            {
                "title": group.title,
                "lines": group.lines,
                "change_url": f"{self.get_step_url(group.step)}?{RETURN_TO_CHECK}=1",
            }
            for group in answer_groups_by_step(lines)
        ]

    def get_step_url(self, step: str) -> str:
        return reverse(self.url_name, kwargs={"step": step})

    # --- the end ---------------------------------------------------------------------------
    def done(self, form_list, form_dict=None, **kwargs) -> HttpResponse:
        forms_by_step = form_dict or {}
        cleaned = {
            step: form.cleaned_data for step, form in forms_by_step.items() if step != CHECK_ANSWERS
        }
        return self.finish(cleaned, *self.assessed(cleaned), interrupted=False)

    def assessed(self, cleaned: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], Assessment]:
        """The answers as the engine takes them, and the engine's assessment of them."""
        answers = answers_mapping(cleaned, self.questions())
        return answers, assess(self.knowledge_base(), answers_from_mapping(answers))

    def finish(
        self,
        cleaned: dict[str, dict[str, Any]],
        answers: dict[str, Any],
        assessment: Assessment,
        *,
        interrupted: bool,
    ) -> HttpResponse:
        """Keep the anonymous copy, name it in a session of a new key, and show it."""
        kept = completed_assessment_create(
            answers=answers, assessment=assessment, interrupted=interrupted
        )
        version_replaced = bool(self.storage.extra_data.get(VERSION_REPLACED_KEY))
        # Answers that fired a warning sign are marked in the doctor's summary.
        warning_codes = frozenset(
            code
            for rule in self.knowledge_base().red_flag_rules
            if rule.code in assessment.fired_red_flags
            for code in rule.warning_findings
        )
        lines = answer_lines(cleaned, self.questions(), warning_codes)
        # Reset the wizard before anything touches the session again (formtools PR #140).
        self.storage.reset()
        # A new session key for the result: a cookie planted or shared before (a kiosk, a
        # family tablet) no longer reads it.
        self.request.session.cycle_key()
        self.request.session[SESSION_ASSESSMENT_KEY] = str(kept.id)
        self.request.session[SESSION_RESULT_KEY] = {
            "lines": [asdict(line) for line in lines],
            "version_replaced": version_replaced,
        }
        return redirect("questionnaire:result")


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
