"""Every edit of the draft knowledge base in the admin says why: "Reason for this change".

The admin of each draft model takes ``ChangeReasonAdminMixin``: its add and change forms end with
the reason (after the inlines, just above Save), its delete confirmation asks for one, and a
spreadsheet import asks for one with the file. The reason is stored as the history rows'
``history_change_reason``: on the row saved, on every inline row saved or deleted with it, on the
links it changes and on rows deleted in cascade. Who made the change is simple-history's
``history_user`` (the admin sets it; HistoryRequestMiddleware does for imports).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.http import HttpRequest, HttpResponse, QueryDict
from import_export.forms import ConfirmImportForm, ImportForm

from conditions.history import change_reason

REASON_FIELD = "change_reason"
REASON_LABEL = "Reason for this change"
REASON_HELP = (
    "Why you are making this change, for the reviewer who publishes it and for anyone reading "
    "the history later: the study or guideline, the clinical reasoning, the error corrected."
)
REASON_REQUIRED = "Enter the reason for this change"
REASON_FIELDSET = "Change control"
REASON_NOTE = (
    "Kept in the history with your name and the time. Patients see nothing of this change until "
    "a reviewer other than you publishes it."
)


def reason_field(*, widget: forms.Widget | None = None) -> forms.CharField:
    return forms.CharField(
        label=REASON_LABEL,
        help_text=REASON_HELP,
        widget=widget or forms.Textarea(attrs={"rows": 3, "cols": 80}),
        error_messages={"required": REASON_REQUIRED},
    )


class ChangeReasonForm(forms.Form):
    """The reason alone: asked on the delete confirmation page."""

    change_reason = reason_field()


class ImportWithReasonForm(ImportForm):
    """The spreadsheet import form, with the reason for the rows it will add and change."""

    change_reason = reason_field()


class ConfirmImportWithReasonForm(ConfirmImportForm):
    """The import's confirmation step carries the reason given with the file."""

    change_reason = reason_field(widget=forms.HiddenInput())


class ChangeReasonAdminMixin:
    """A draft model's admin whose every add, change and delete records why.

    Put it before the admin base classes (``SimpleHistoryAdmin``).
    """

    delete_confirmation_template = "admin/conditions/delete_confirmation_with_reason.html"

    # --- Add and change ---

    def get_fieldsets(self, request: HttpRequest, obj=None) -> list:
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != REASON_FIELD]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if not self._may_save(request, obj):
            return fieldsets
        return [
            *fieldsets,
            (REASON_FIELDSET, {"fields": [REASON_FIELD], "description": REASON_NOTE}),
        ]

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        # The model form is built from the model's own fields; the reason is added on top.
        fields = kwargs.get("fields")
        if fields is None and "fields" not in kwargs:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None:
            kwargs["fields"] = [name for name in fields if name != REASON_FIELD]
        form = super().get_form(request, obj, change=change, **kwargs)
        if ("fields" in kwargs and kwargs["fields"] is None) or not self._may_save(request, obj):
            # Django asks for the model's fields alone (get_fields), or the page is read-only.
            return form
        return type(form.__name__, (form,), {REASON_FIELD: reason_field()})

    def _may_save(self, request: HttpRequest, obj) -> bool:
        if obj is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        reason = form.cleaned_data[REASON_FIELD]
        obj._change_reason = reason
        with change_reason(reason):
            super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        reason = form.cleaned_data[REASON_FIELD]
        for formset in formsets:
            for inline_form in formset.forms:
                inline_form.instance._change_reason = reason
        # Links (references, concern conditions) and rows deleted from an inline or in cascade
        # are saved by Django, not through these instances: they take the reason in progress.
        with change_reason(reason):
            super().save_related(request, form, formsets, change)

    # --- Delete ---

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        reason_form = ChangeReasonForm(request.POST if request.method == "POST" else None)
        extra_context = {**(extra_context or {}), "reason_form": reason_form}
        if request.method == "POST":
            if reason_form.is_valid():
                with change_reason(reason_form.cleaned_data[REASON_FIELD]):
                    return super().delete_view(request, object_id, extra_context)
            # Django deletes on any POST to this view: without a reason, the confirmation page
            # is shown again (with the error) as for a GET, and nothing is deleted.
            request.POST = QueryDict()
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request: HttpRequest) -> dict:
        # "Delete selected" deletes many rows without a reason: delete them one at a time.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ImportReasonAdminMixin:
    """A spreadsheet import (django-import-export) asks for the reason with the file, and every
    row it adds or changes records it. Put it before ``ImportExportModelAdmin``."""

    import_form_class = ImportWithReasonForm
    confirm_form_class = ConfirmImportWithReasonForm

    def get_confirm_form_initial(self, request: HttpRequest, import_form) -> dict[str, Any]:
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial[REASON_FIELD] = import_form.cleaned_data[REASON_FIELD]
        return initial

    def process_dataset(self, dataset, form, request: HttpRequest, **kwargs):
        with change_reason(form.cleaned_data[REASON_FIELD]):
            return super().process_dataset(dataset, form, request, **kwargs)
