"""Compact inline rows for curators: one line per figure, grouped, and a fixed number of queries.

A condition has dozens of evidence rows. Django's tabular inline gives each row a name line, four
icons per related field, a two-line note box, and two database queries per autocomplete field
(the label of the chosen value); saving validates every row again, unchanged or not, with a
query per row and per constraint. Here:

* a saved row's identity (its finding, its age band) is shown as text, not as a select;
* related fields have no edit, add, delete or view icons, number inputs are narrow, the note is
  one line that grows while it is being edited (``conditions/admin.css``);
* the labels of autocomplete values are read once per page, not once per row;
* a saved row the curator did not touch is not validated again: the database constraints hold
  for it already (every invariant of the knowledge base is a constraint, conditions/models.py);
* rows can be grouped under headings (``group_label`` on the row's form).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.db import models
from django.forms.utils import ErrorDict
from django.http import HttpRequest
from django.utils.html import format_html

COMPACT_TEMPLATE = "admin/conditions/edit_inline/compact_tabular.html"
NEW_ROWS = "New rows"


class LabelsOnceAutocomplete(AutocompleteSelect):
    """Django's autocomplete select, with the labels of all choices read in one query per page.

    Django looks up the label of the selected value with one query per widget, that is one per
    inline row. The copies of this widget Django makes for each row are shallow, so they share
    one ``labels`` dictionary, filled on first use (the admin builds the widget for each request).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.labels: dict[str, str] = {}

    def optgroups(self, name: str, value: list, attrs: dict | None = None) -> list:
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not self.labels and selected:
            field = self.choices.field
            self.labels.update(
                (str(obj.pk), field.label_from_instance(obj))
                for obj in field.queryset.using(self.db)
            )
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        options += [
            self.create_option(name, pk, self.labels[pk], True, len(options) + index)
            for index, pk in enumerate(sorted(selected & self.labels.keys()))
        ]
        return [(None, options, 0)]


class ShownAsText(forms.Widget):
    """A saved row's identity (its finding, its age band), shown as text instead of a select."""

    def __init__(self, text: str, title: str = "") -> None:
        super().__init__()
        self.text = text
        self.title = title

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer=None) -> str:
        if self.title:
            return format_html('<span class="row-name" title="{}">{}</span>', self.title, self.text)
        return format_html('<span class="row-name">{}</span>', self.text)


class CompactRowForm(forms.ModelForm):
    """One inline row; ``identity_fields`` of a saved row are shown, not edited."""

    identity_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name in self.identity_fields:
            if name in self.fields:
                # Disabled: the row keeps its identity whatever is posted; to move a figure to
                # another finding, delete the row and add one.
                self.fields[name].disabled = True
                self.fields[name].widget = ShownAsText(*self.identity_text(name))

    def identity_text(self, name: str) -> tuple[str, str]:
        """The text shown for an identity field, and its tooltip."""
        if self.instance._meta.get_field(name).choices:
            return getattr(self.instance, f"get_{name}_display")(), ""
        return str(getattr(self.instance, name)), ""

    @property
    def group_label(self) -> str:
        """The heading this row is listed under (rows come ordered by it)."""
        return "" if self.instance.pk is not None else NEW_ROWS

    def full_clean(self) -> None:
        # An unchanged saved row already satisfies every constraint in the database; validating
        # it again would cost queries per row (the chosen values, the unique and check
        # constraints). Its cleaned data are its stored values, for the formset's own checks
        # (no two rows for the same finding and population).
        if self.is_bound and self.instance.pk is not None and not self.has_changed():
            self._errors = ErrorDict()
            self.cleaned_data = {
                name: self.get_initial_for_field(field, name) for name, field in self.fields.items()
            }
            return
        super().full_clean()


class JoinedInline(admin.TabularInline):
    """An inline whose rows' names (``__str__``) follow foreign keys: joined in one query, not
    one query per row."""

    joined: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related(*self.joined)


class CompactInline(JoinedInline):
    """A tabular inline drawn as compact rows (see the module docstring)."""

    template = COMPACT_TEMPLATE
    form = CompactRowForm
    extra = 0

    class Media:
        css = {"all": ["conditions/admin.css"]}

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs: Any):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = LabelsOnceAutocomplete(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs: Any):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is None:
            return None
        if isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            # Four icons on every row would double its width; references are added and edited
            # on their own page.
            formfield.widget = formfield.widget.widget
        if isinstance(db_field, models.FloatField):
            formfield.widget = forms.NumberInput(attrs={"step": "any", "class": "figure"})
        elif isinstance(db_field, models.TextField):
            formfield.widget = forms.Textarea(attrs={"rows": 1, "class": "one-line"})
        return formfield
