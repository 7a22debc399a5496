"""The questionnaire: a django-formtools wizard whose pages the adaptive interview chooses.

"About you" first; then numbered pages (``questions_1`` …), each asking what the interview
(``questionnaire.interview_pages``) chooses for the answers of the pages before it; then "Check
your answers" once the interview may stop, and the result. Answers in progress live server-side
in the session (``questionnaire.storage``). A questionnaire is asked and assessed under the
knowledge-base version it started with (kept in the wizard's storage at its first step). An
invalid answer is shown by post / redirect / get, so the browser's Back never asks to resubmit.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit
from formtools.wizard.views import NamedUrlSessionWizardView

from conditions.engine import (
    Answers,
    Assessment,
    KnowledgeBase,
    KnowledgeBaseError,
    answers_from_mapping,
    assess,
)
from conditions.published import (
    NoPublishedKnowledgeBase,
    published_knowledge_base,
    published_knowledge_base_version,
)
from questionnaire.answers import AnswerLine, answer_lines, answers_mapping, engine_mapping
from questionnaire.forms import (
    PARENT_NOTE,
    AboutYouForm,
    FindingsForm,
    findings_form_needed,
    stored_findings,
)
from questionnaire.fragments import shared_questions_key
from questionnaire.interview_pages import PAGE_STEPS, Page, Plan, interview_plan
from questionnaire.services import completed_assessment_create
from questionnaire.steps import ABOUT_YOU, SECTION_TITLES, STEP_TITLES, Question, questions_of

CHECK_ANSWERS = "check_answers"
SESSION_RESULT_KEY = "questionnaire_result"
SESSION_ASSESSMENT_KEY = "questionnaire_assessment_id"
RETURN_TO_CHECK = "return-to-check"
# The knowledge-base version the questionnaire started under, and whether it had to be replaced.
VERSION_KEY = "knowledge_base_version"
VERSION_REPLACED_KEY = "knowledge_base_version_replaced"
# An invalid POST's answers, kept for the GET it redirects to (post / redirect / get).
POSTED_KEY = "posted"
# The interview's steps for this person's answers so far (questionnaire.interview_pages).
STEPS_KEY = "interview_steps"

# What a stored value may be at most: a choice's longest value, else this many characters (an
# age or a number, typed with room to spare; a longer one is dropped, not cut short).
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


def _page_exists(step: str):
    def condition(wizard: QuestionnaireWizard) -> bool:
        return wizard.plan().page(step) is not None

    return condition


def _interview_may_stop(wizard: QuestionnaireWizard) -> bool:
    return wizard.plan().finished


@method_decorator(
    ratelimit(
        key="ip", rate=rate_from_setting("QUESTIONNAIRE_RATE_LIMIT"), method="POST", block=True
    ),
    name="post",
)
class QuestionnaireWizard(NamedUrlSessionWizardView):
    """The hip-pain questionnaire: About you, the interview's pages, Check your answers."""

    form_list = [
        (ABOUT_YOU, AboutYouForm),
        *[(step, FindingsForm) for step in PAGE_STEPS],
        (CHECK_ANSWERS, CheckAnswersForm),
    ]
    condition_dict = {
        **{step: _page_exists(step) for step in PAGE_STEPS},
        CHECK_ANSWERS: _interview_may_stop,
    }
    template_name = "questionnaire/step.html"
    storage_name = "questionnaire.storage.ChangedOnlySessionStorage"

    # --- the knowledge base --------------------------------------------------------------------
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

    # --- the pages: planned once per state of the stored answers --------------------------------
    # formtools evaluates every step's condition many times a request: the plan is made once for
    # the answers stored, and again only when they change (a POST stores a page).
    _plan: tuple[object, Plan, dict[str, dict[str, Any]], int | None] | None = None

    def plan(self) -> Plan:
        return self._planned()[1]

    def age(self) -> int | None:
        return self._planned()[3]

    def cleaned_so_far(self) -> dict[str, dict[str, Any]]:
        """The cleaned answers of "About you" and of every page answered, in order."""
        return self._planned()[2]

    def _planned(self) -> tuple[object, Plan, dict[str, dict[str, Any]], int | None]:
        # The storage counts the changes of the stored answers: planned again after each.
        key = (id(self.storage), self.storage.answers_revision) if self.storage else None
        if self._plan is None or self._plan[0] != key:
            self._plan = (key, *self._make_plan())
        return self._plan

    def _make_plan(self) -> tuple[Plan, dict[str, dict[str, Any]], int | None]:
        cleaned: dict[str, dict[str, Any]] = {}
        about = self._valid(ABOUT_YOU, AboutYouForm, {})
        opening = None
        age = None
        if about is not None:
            cleaned[ABOUT_YOU] = about
            age = about["age"]
            opening = Answers(age=age, sex=about["sex"], duration_weeks=about["duration_weeks"])
        knowledge_base = self.knowledge_base()
        questions = questions_of(knowledge_base, age)

        def answers_of(page: Page) -> dict[str, Any] | None:
            asked = [questions[code] for code in page.codes]
            if findings_form_needed(asked):
                found = self._valid(page.step, FindingsForm, {"questions": asked})
            else:
                # Every answered page is read on every request: without building its form.
                data = self.storage.get_step_data(page.step) if self.storage else None
                prefix = self.get_form_prefix(page.step, FindingsForm)
                found = None if data is None else stored_findings(data, prefix, asked)
            if found is not None:
                cleaned[page.step] = found
            return found

        # The steps worked out for this person so far, kept with their answers: whichever
        # process serves their next request plans it without working them out again.
        steps = dict(self.storage.extra_data.get(STEPS_KEY) or {}) if self.storage else None
        plan = interview_plan(knowledge_base, opening, answers_of, kept=steps)
        if steps is not None and steps != self.storage.extra_data.get(STEPS_KEY):
            self.storage.extra_data = {**self.storage.extra_data, STEPS_KEY: steps}
        # A page answered before its questions changed is no longer among the answered ones.
        answered = {page.step for page in plan.pages[: plan.answered]}
        kept = {
            step: value for step, value in cleaned.items() if step == ABOUT_YOU or step in answered
        }
        return plan, kept, age

    def _valid(self, step: str, form_class, kwargs: dict[str, Any]) -> dict[str, Any] | None:
        data = self.storage.get_step_data(step) if self.storage else None
        if data is None:
            return None
        form = form_class(data=data, prefix=self.get_form_prefix(step, form_class), **kwargs)
        return form.cleaned_data if form.is_valid() else None

    def page_questions(self, step: str) -> list[Question]:
        page = self.plan().page(step)
        if page is None:
            return []
        questions = questions_of(self.knowledge_base(), self.age())
        return [questions[code] for code in page.codes]

    def get_form_kwargs(self, step: str | None = None) -> dict[str, Any]:
        if step in PAGE_STEPS:
            return {"questions": self.page_questions(step)}
        return {}

    # --- navigation ------------------------------------------------------------------------
    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        step = kwargs.get("step")
        if step in self.form_list and step not in self.get_form_list():
            # A page the answers no longer lead to (or not yet): the page to answer next.
            return redirect(self.get_step_url(self.steps.last))
        return super().get(request, *args, **kwargs)

    def _forget_posted(self) -> None:
        if POSTED_KEY in self.storage.extra_data:
            self.storage.extra_data = {
                name: value for name, value in self.storage.extra_data.items() if name != POSTED_KEY
            }

    def post(self, *args, **kwargs) -> HttpResponse:
        try:
            self._forget_posted()
            # Back and "Change" must never lose what the person typed on this step, valid or not
            # (formtools discards it: jazzband/django-formtools#284).
            if self.request.POST.get("wizard_goto_step"):
                kept = self.process_step_data()
                if kept is not None:
                    self.storage.set_step_data(self.steps.current, kept)
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

    def process_step_data(self) -> dict[str, list[str]] | None:
        """What Back keeps of this step's POST: its form's fields only (None: no such step)."""
        if self.steps.current not in self.get_form_list():
            return None
        return self.get_form_step_data(self.get_form(data=self.request.POST))

    def get_form_step_data(self, form: forms.Form) -> dict[str, list[str]]:
        # formtools stores the whole POST (form.data); a step keeps only what its form reads.
        return form_fields_of(form, form.data, management_key=f"{self.prefix}-current_step")

    def render(self, form=None, **kwargs) -> HttpResponse:
        form = form or self.get_form()
        step = self.steps.current
        if self.request.method == "POST":
            # formtools renders a POST only to show its errors: keep what was typed and show it
            # from a GET instead (post / redirect / get), so Back and reload never resubmit.
            self.storage.extra_data = {
                **self.storage.extra_data,
                POSTED_KEY: {"step": step, "data": self.get_form_step_data(form)},
            }
            return redirect(self.request.get_full_path())
        posted = self.storage.extra_data.get(POSTED_KEY)
        if isinstance(posted, dict) and posted.get("step") == step:
            # Shown again on reload, Back and Forward, until the next POST of any page.
            data = posted.get("data")
            if isinstance(data, dict):
                # The same answers validated again give the same messages.
                form = self.get_form(step=step, data=MultiValueDict(data))
                form.is_valid()
                return super().render(form, **kwargs)
        elif posted is not None:
            self._forget_posted()
        if form.is_bound and not form.is_valid():
            # Stored answers that no longer fit this page's questions (an earlier answer changed
            # them): asked again, with the answers that still fit chosen, and no error shown.
            form = self.get_form(step=step, data=None)
            form.initial = _initial_from(form, self.storage.get_step_data(step) or {})
        return super().render(form, **kwargs)

    def render_next_step(self, form, **kwargs) -> HttpResponse:
        plan = self.plan()
        if plan.emergency:
            # Stop at once, before any further question, when the answers so far fire an
            # emergency red-flag rule (checked after every page).
            cleaned = self.cleaned_so_far()
            return self.finish(cleaned, *self.assessed(cleaned), interrupted=True)
        if (
            self.request.GET.get(RETURN_TO_CHECK)
            and plan.finished
            and self.steps.current != CHECK_ANSWERS
        ):
            return redirect(self.get_step_url(CHECK_ANSWERS))
        return super().render_next_step(form, **kwargs)

    def get_context_data(self, form, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(form=form, **kwargs)
        step = self.steps.current
        page = self.plan().page(step)
        # One question on a page is its heading, the topic a caption above it (shared/ux.md:
        # "a one-question step puts the question in the legend as the h1").
        question_is_heading = page is not None and len(form.fields) == 1
        caption = ""
        if step == CHECK_ANSWERS:
            title = _("Check your answers")
        elif page is not None:
            title = SECTION_TITLES.get(page.section, page.section)
            if question_is_heading:
                caption, title = title, next(iter(form.fields.values())).label
        else:
            title = STEP_TITLES[ABOUT_YOU]
        context.update(
            step_title=title,
            step_caption=caption,
            question_is_heading=question_is_heading,
            # No "of N": how many pages there will be depends on the answers.
            page_number=None if step == CHECK_ANSWERS else self.steps.step1,
            is_warning_signs=page is not None and page.warning_signs,
            is_check_answers=step == CHECK_ANSWERS,
            parent_note=PARENT_NOTE if step == ABOUT_YOU else "",
            shared_questions_key=shared_questions_key(step, form),
        )
        if step == CHECK_ANSWERS:
            context["answer_groups"] = self.answer_groups()
        return context

    def answer_groups(self) -> list[dict[str, Any]]:
        """Check your answers: the answers page by page, with one "Change" link per page."""
        cleaned = self.cleaned_so_far()
        lines = answer_lines(cleaned, questions_of(self.knowledge_base(), self.age()))
        groups: list[dict[str, Any]] = []
        seen: dict[str, int] = {}
        for line in lines:
            if not groups or groups[-1]["page"] != line.page:
                topic = str(STEP_TITLES.get(line.step, line.step))
                seen[topic] = seen.get(topic, 0) + 1
                # A further page on the same topic (a follow-up, a later question) is headed
                # as its continuation, so that each group's heading (and landmark) is unique.
                title = topic
                if seen[topic] == 2:
                    title = _("%(topic)s (continued)") % {"topic": topic}
                elif seen[topic] > 2:
                    title = _("%(topic)s (continued, %(number)s)") % {
                        "topic": topic,
                        "number": seen[topic] - 1,
                    }
                groups.append(
                    {
                        "page": line.page,
                        "title": title,
                        "lines": [],
                        "change_url": f"{self.get_step_url(line.page)}?{RETURN_TO_CHECK}=1",
                    }
                )
            groups[-1]["lines"].append(line)
        return groups

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
        """The answers as they are kept (side and duration as given included), and the engine's
        assessment of them."""
        answers = answers_mapping(cleaned)
        engine_answers = answers_from_mapping(engine_mapping(answers))
        return answers, assess(self.knowledge_base(), engine_answers)

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
        questions = questions_of(self.knowledge_base(), answers.get("age"))
        lines: list[AnswerLine] = answer_lines(cleaned, questions, warning_codes)
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


def _initial_from(form: forms.Form, stored: dict[str, Any]) -> dict[str, Any]:
    """The stored answers a form's fields can still show (one value each)."""
    initial: dict[str, Any] = {}
    for name, field in form.fields.items():
        values = stored.get(form.add_prefix(name))
        if not values:
            continue
        value = values[0] if isinstance(values, list) else values
        if isinstance(field, forms.ChoiceField) and value not in {
            str(choice) for choice, _label in field.choices
        }:
            continue
        initial[name] = value
    return initial
