"""Django admin for the test bench: curators and reviewers keep the clinical vignettes here.

The list shows, beside each case's expected condition and urgency, what the latest published
knowledge base gives for it (computed with the engine when the page is shown). Cases can be
imported from a vignette file (preview, then confirm) and exported as one.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.forms.fields import InvalidJSONInput
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from bench.models import ClinicalVignette
from bench.selectors import published_result, vignette_cases, vignette_import_plan
from bench.services import ImportRefused, clinical_vignettes_import
from bench.vignette_format import VignetteFileError, read_cases
from conditions.evaluation import VignetteResult

# Where a previewed file waits for its confirmation (the session, not a hidden field: a file of
# forty cases is larger than the request bodies the server accepts).
PENDING_IMPORT = "bench_pending_import"
MAX_FILE_BYTES = 2 * 1024 * 1024
NOTHING_PUBLISHED = "nothing published"


class IndentedJSONField(forms.JSONField):
    """JSON shown indented, one answer a line, so a curator can read and edit the answers."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label="Vignette file",
        help_text="A JSON file in the format of vignettes/development.json (vignettes/README.md).",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB: is it the right file?")
        return uploaded


@admin.register(ClinicalVignette)
class ClinicalVignetteAdmin(SimpleHistoryAdmin):
    # Expected and published side by side, urgencies as their short codes: a wide list of long
    # labels pushed the published columns off a laptop screen. The narrative is searched.
    list_display = (
        "code",
        "expected_top",
        "published_first",
        "expected_urgency",
        "published_urgency",
        "active",
    )
    list_filter = ("active", "expected_triage")
    search_fields = ("code", "narrative", "source", "expected_top", "note")
    readonly_fields = ("published_result",)
    fieldsets = (
        (None, {"fields": ("code", "active", "narrative", "source")}),
        ("What the person answers", {"fields": ("answers",)}),
        (
            "What a careful clinician expects",
            {"fields": ("expected_top", "acceptable", "expected_triage")},
        ),
        ("For curators", {"fields": ("note", "published_result")}),
    )
    formfield_overrides = {
        models.JSONField: {
            "form_class": IndentedJSONField,
            "widget": forms.Textarea(attrs={"rows": 10, "cols": 70}),
        },
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 70})},
    }
    actions = ["export_as_json"]

    # --- The published result, beside what is expected ---

    @staticmethod
    def _result(vignette: ClinicalVignette) -> VignetteResult | None:
        # Computed once per row and page (the two columns share it).
        if not hasattr(vignette, "_published_result"):
            vignette._published_result = published_result(vignette)
        return vignette._published_result

    @admin.display(description="expected urgency", ordering="expected_triage")
    def expected_urgency(self, vignette: ClinicalVignette) -> str:
        return vignette.expected_triage

    # In the list a match is a bare ✓ (the published value is the expected one beside it), so
    # the mismatches stand out and the columns fit a laptop screen; the change page says it all.

    @admin.display(description="published: first condition")
    def published_first(self, vignette: ClinicalVignette) -> str:
        return self._first(vignette, compact=True)

    @admin.display(description="published: urgency")
    def published_urgency(self, vignette: ClinicalVignette) -> str:
        return self._urgency(vignette, compact=True)

    def _first(self, vignette: ClinicalVignette, *, compact: bool) -> str:
        result = self._result(vignette)
        if result is None:
            return NOTHING_PUBLISHED
        if result.error is not None:
            return _marked(False, "cannot be assessed")
        first = result.given_top[0] if result.given_top else "none"
        return _marked(result.top1_ok, "" if compact and result.top1_ok else first)

    def _urgency(self, vignette: ClinicalVignette, *, compact: bool) -> str:
        result = self._result(vignette)
        if result is None:
            return NOTHING_PUBLISHED
        if result.error is not None or result.given_triage is None:
            return _marked(False, "cannot be assessed")
        level = str(result.given_triage)
        if result.under_triage:
            level += " (under-triage)"
        elif result.over_triage:
            level += " (over-triage)"
        return _marked(result.triage_ok, "" if compact and result.triage_ok else level)

    @admin.display(description="result with the published knowledge base")
    def published_result(self, vignette: ClinicalVignette) -> str:
        if vignette.pk is None:
            return "Shown once the case is saved."
        result = self._result(vignette)
        if result is None:
            return "Nothing is published yet."
        if result.error is not None:
            return f"It cannot be assessed: {result.error}"
        ranked = ", ".join(
            f"{code} {probability:.0%}"
            for code, probability in zip(result.given_top, result.given_probabilities, strict=True)
        )
        return format_html(
            "First condition {}; top three: {}.<br>Urgency {}.",
            self._first(vignette, compact=False),
            ranked or "none",
            self._urgency(vignette, compact=False),
        )

    # --- Export ---

    @admin.action(description="Export as JSON", permissions=["view"])
    def export_as_json(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        content = json.dumps(vignette_cases(queryset), ensure_ascii=False, indent=2) + "\n"
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="clinical-vignettes.json"'
        return response

    # --- Import ---

    def has_import_permission(self, request: HttpRequest) -> bool:
        # Importing adds and changes cases, so it needs both permissions.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_urls(self):
        import_json = path(
            "import-json/",
            self.admin_site.admin_view(self.import_json_view),
            name="bench_clinicalvignette_import_json",
        )
        return [import_json, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "can_import": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def import_json_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a file and see what it would create and update; confirm to apply it."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm_import(request)
        form = ImportFileForm(request.POST or None, request.FILES or None)
        plan = file_problem = None
        file_name = ""
        if request.method == "POST" and form.is_valid():
            uploaded = form.cleaned_data["file"]
            file_name = uploaded.name
            try:
                cases = read_cases(uploaded.read())
            except VignetteFileError as problem:
                file_problem = str(problem)
            else:
                plan = vignette_import_plan(cases)
                if plan.can_apply:
                    request.session[PENDING_IMPORT] = {
                        "file_name": file_name,
                        "cases": cases,
                        "digest": _digest(cases),
                    }
                else:
                    request.session.pop(PENDING_IMPORT, None)
        return self._import_page(request, form, plan, file_name, file_problem)

    def _confirm_import(self, request: HttpRequest) -> HttpResponse:
        pending = request.session.get(PENDING_IMPORT)
        if not pending or request.POST.get("digest") != pending["digest"]:
            self.message_user(
                request,
                "That import is no longer waiting (another file was previewed, or the session "
                "ended): upload the file again.",
                messages.WARNING,
            )
            return redirect(reverse("admin:bench_clinicalvignette_import_json"))
        plan = vignette_import_plan(pending["cases"])
        try:
            result = clinical_vignettes_import(
                plan=plan, reason=f"imported from {pending['file_name']}"
            )
        except ImportRefused:
            # The cases held or the published knowledge base changed since the preview.
            return self._import_page(request, ImportFileForm(), plan, pending["file_name"], None)
        del request.session[PENDING_IMPORT]
        self.message_user(
            request,
            f"Imported {pending['file_name']}: {result.created} created, {result.updated} "
            f"updated, {result.unchanged} unchanged.",
            messages.SUCCESS,
        )
        return redirect(reverse("admin:bench_clinicalvignette_changelist"))

    def _import_page(
        self,
        request: HttpRequest,
        form: ImportFileForm,
        plan,
        file_name: str,
        file_problem: str | None,
    ) -> HttpResponse:
        pending = request.session.get(PENDING_IMPORT)
        context = {
            **self.admin_site.each_context(request),
            "title": "Import vignettes from a JSON file",
            "opts": self.model._meta,
            "form": form,
            "plan": plan,
            "file_name": file_name,
            "file_problem": file_problem,
            "digest": pending["digest"] if pending and plan and plan.can_apply else "",
        }
        return TemplateResponse(request, "admin/bench/clinicalvignette/import_json.html", context)


def _marked(ok: bool, text: str) -> str:
    """✓ or ✗ before ``text``, read out as words ("matches", "does not match")."""
    mark, words = ("✓", "matches") if ok else ("✗", "does not match")
    if not text:
        return format_html(
            '<span aria-hidden="true">{}</span><span class="visually-hidden">{}</span>',
            mark,
            words,
        )
    return format_html(
        '<span aria-hidden="true">{}</span><span class="visually-hidden">{}:</span> {}',
        mark,
        words,
        text,
    )


def _digest(cases: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(cases, sort_keys=True).encode()).hexdigest()[:16]
