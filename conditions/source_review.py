"""Sources stay honest: a figure that changes while its source does not is questioned.

Changing 0.48 to 0.70 and keeping the note "Brockbank 2005: 48%" leaves a figure that its own
note contradicts. So, for every sourced figure (``SOURCED_FIGURES`` below), a change of the
figure that leaves its reference, expert-estimate mark and note as they were sets the row's flag
("source not updated"), in the admin and on a spreadsheet import alike:

* saving says so (a warning naming each row), the row's edit page asks under the figure whether
  "The source still supports the new figure", and the change list marks the row (a condition's
  row too, for the figures on its page) and filters on it;
* the flag is cleared when the note, reference or expert-estimate mark is updated, or when the
  curator ticks the box. Ticking it while changing the figure saves both at once.

The save is not refused: a curator may change many figures first and their notes next, and an
import cannot ask. The flags (``*source_needs_review``) are for curators only: the knowledge
document, exports and published versions never carry them (conditions/selectors.py lists the
document's fields).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q
from django.http import HttpRequest

from conditions.models import (
    Condition,
    ConditionForm,
    ConditionPrior,
    DurationEvidence,
    Evidence,
    Finding,
    FormEvidence,
    ScoringPolicy,
)

CONFIRM_LABEL = "The source still supports the new figure"
NOT_UPDATED = "source not updated"


@dataclass(frozen=True)
class SourcedFigures:
    """The figures of a model and the fields of their source, which share a prefix."""

    figures: tuple[str, ...]
    prefix: str = ""

    @property
    def source_fields(self) -> tuple[str, ...]:
        return tuple(f"{self.prefix}{name}" for name in ("reference", "expert_estimate", "note"))

    @property
    def note(self) -> str:
        return f"{self.prefix}note"

    @property
    def flag(self) -> str:
        return f"{self.prefix}source_needs_review"

    @property
    def confirm(self) -> str:
        """The name of the confirmation checkbox on a form."""
        return f"{self.prefix}source_confirmed"

    def figure_changed(self, changed: Collection[str]) -> bool:
        return any(name in changed for name in self.figures)

    def source_changed(self, changed: Collection[str]) -> bool:
        return any(name in changed for name in self.source_fields)

    def flag_after(self, changed: Collection[str], *, confirmed: bool = False) -> bool | None:
        """The row's flag after a save that changed the fields ``changed``: cleared when its
        source changed or was confirmed, set when only a figure changed, else None (as it was).
        """
        if confirmed or self.source_changed(changed):
            return False
        if self.figure_changed(changed):
            return True
        return None


SOURCED_FIGURES: dict[type[models.Model], SourcedFigures] = {
    Evidence: SourcedFigures(("probability", "specificity")),
    FormEvidence: SourcedFigures(("probability", "specificity")),
    ConditionForm: SourcedFigures(("share",)),
    ConditionPrior: SourcedFigures(("probability",)),
    DurationEvidence: SourcedFigures(("le_2_weeks", "ge_6_weeks", "ge_12_weeks")),
    Finding: SourcedFigures(("baseline_adult", "baseline_child"), prefix="baseline_"),
    Condition: SourcedFigures(("female_share",), prefix="female_share_"),
    ScoringPolicy: SourcedFigures(
        ("baseline_le_2_weeks", "baseline_ge_6_weeks", "baseline_ge_12_weeks"),
        prefix="baseline_duration_",
    ),
}


def flag_after_import(instance: models.Model, changed: Collection[str]) -> None:
    """Set or clear the flag of a row an import changes (``changed``: its changed fields)."""
    sourced = SOURCED_FIGURES.get(type(instance))
    if sourced is None:
        return
    flag = sourced.flag_after(changed)
    if flag is not None:
        setattr(instance, sourced.flag, flag)


def figure_values(instance: models.Model) -> dict[str, Any]:
    """The figures and source fields of a row, to compare before and after an import."""
    sourced = SOURCED_FIGURES.get(type(instance))
    if sourced is None:
        return {}
    return {
        name: getattr(instance, instance._meta.get_field(name).attname)
        for name in (*sourced.figures, *sourced.source_fields)
    }


@dataclass(frozen=True)
class SourceQuestion:
    """What the edit form asks about a figure whose source may no longer support it."""

    message: str
    field: forms.BoundField


class SourceReviewForm(forms.ModelForm):
    """A model form of sourced figures: a figure changed alone flags its row, a source updated
    or confirmed clears it (``source_question`` is what the page asks about it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source_flagged_now = False
        sourced = self.sourced_figures
        if sourced is not None and self.instance.pk is not None:
            self.fields[sourced.confirm] = forms.BooleanField(
                label=CONFIRM_LABEL,
                required=False,
                help_text=(
                    "Tick when the figure changed and its reference and note still support it."
                ),
            )

    @property
    def sourced_figures(self) -> SourcedFigures | None:
        return SOURCED_FIGURES.get(self._meta.model)

    def changed_figures(self) -> list[str]:
        """The names, as the curator reads them, of the figures changed in this submission."""
        sourced = self.sourced_figures
        if sourced is None or not self.is_bound:
            return []
        return [
            str(self._meta.model._meta.get_field(name).verbose_name)
            for name in sourced.figures
            if name in self.changed_data
        ]

    @property
    def source_question(self) -> SourceQuestion | None:
        sourced = self.sourced_figures
        if sourced is None or sourced.confirm not in self.fields:
            return None
        if not getattr(self.instance, sourced.flag):
            return None
        note = getattr(self.instance, sourced.note)
        what = f"the note “{note}”" if note else "its reference"
        return SourceQuestion(
            f"the figure changed but its source did not: check that {what} still supports "
            "it. Update the note or the reference, or tick the box.",
            self[sourced.confirm],
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        sourced = self.sourced_figures
        if sourced is None or self.instance.pk is None:
            return cleaned
        flag = sourced.flag_after(
            set(self.changed_data), confirmed=bool(cleaned.get(sourced.confirm))
        )
        if flag is not None:
            setattr(self.instance, sourced.flag, flag)
            self.source_flagged_now = flag
        return cleaned


class SourceReviewAdminMixin:
    """For the admin of a model with sourced figures: the question on its edit page, and
    "source not updated" on its change list. Put it before the admin base classes."""

    def _sourced(self) -> SourcedFigures:
        return SOURCED_FIGURES[self.model]

    # --- Edit page ---

    def get_fieldsets(self, request: HttpRequest, obj=None) -> list:
        sourced = self._sourced()
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != sourced.confirm]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        # The checkbox sits right after the note of the figures' source.
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        item
                        for field in options["fields"]
                        for item in ([field, sourced.confirm] if field == sourced.note else [field])
                    ],
                },
            )
            for name, options in fieldsets
        ]

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        sourced = self._sourced()
        fields = kwargs.get("fields")
        if fields is None and "fields" not in kwargs:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None:
            kwargs["fields"] = [name for name in fields if name != sourced.confirm]
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, SourceReviewForm):
            return form
        return type(form.__name__, (SourceReviewForm, form), {})

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        flagged = [
            f"{row.instance}: {', '.join(row.changed_figures())}"
            for row in [form, *(row for formset in formsets for row in formset.forms)]
            if getattr(row, "source_flagged_now", False) and row.instance.pk is not None
        ]
        if flagged:
            self.message_user(
                request,
                "Source not updated for "
                + "; ".join(flagged)
                + ". Update each note or reference, or tick “"
                + CONFIRM_LABEL
                + "” on the row.",
                messages.WARNING,
            )

    # --- Change list ---

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(source_not_updated=source_not_updated(self.model))
        )

    def get_list_display(self, request: HttpRequest) -> list:
        return [*super().get_list_display(request), "source_review"]

    def get_list_filter(self, request: HttpRequest) -> list:
        return [*super().get_list_filter(request), SourceNotUpdatedFilter]

    @admin.display(description="source", ordering="source_not_updated")
    def source_review(self, obj) -> str:
        return NOT_UPDATED if obj.source_not_updated else ""


def source_not_updated(model: type[models.Model]) -> models.Expression:
    """Per row of a change list: whether a figure of it changed without its source.

    A condition counts its own share of women and the figures edited on its page: evidence,
    priors, duration and its forms' shares, and its forms' evidence (one subquery each, not a
    query per row); a form counts its own evidence.
    """
    own = Q(**{SOURCED_FIGURES[model].flag: True})
    if model is Condition:
        for figures in (Evidence, ConditionPrior, DurationEvidence, ConditionForm):
            own |= Exists(
                figures.objects.filter(condition=OuterRef("pk"), source_needs_review=True)
            )
        own |= Exists(
            FormEvidence.objects.filter(form__condition=OuterRef("pk"), source_needs_review=True)
        )
    if model is ConditionForm:
        own |= Exists(FormEvidence.objects.filter(form=OuterRef("pk"), source_needs_review=True))
    return ExpressionWrapper(own, output_field=models.BooleanField())


class SourceNotUpdatedFilter(admin.SimpleListFilter):
    title = "source"
    parameter_name = "source"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("not_updated", NOT_UPDATED)]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        if self.value() == "not_updated":
            return queryset.filter(source_not_updated=True)
        return queryset
