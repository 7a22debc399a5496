"""Spreadsheet import and export for curators (django-import-export 4.4.3).

Exports: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading single quote, so a spreadsheet shows it as text instead of running it as a formula
(OWASP, "CSV injection"); numbers, negative ones too, stay numbers. The library's own setting,
``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT``, is not used: in 4.4.3 it deletes a leading ``=``
(changing the text rather than quoting it), leaves ``+``, ``-`` and ``@`` formulas alone, and
turns every cell into text, numbers included. Imports take the quote off again, so an exported
file imports unchanged.

Imports: the preview lists only the rows that change, field by field, and errors name the row
and the column in the curator's words ("there is no finding with code 'feverr'"), not Django's
("Finding matching query does not exist"). A figure imported without a change to its source
note or reference is flagged "source not updated" (conditions/source_review.py).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from import_export import fields, resources, widgets
from import_export.results import Result, RowResult

from conditions.source_review import SOURCED_FIGURES, figure_values, flag_after_import

# The characters a spreadsheet reads as the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def escape_formula(value: Any) -> Any:
    """The cell as text a spreadsheet will not run: a leading quote before a formula start."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def unescape_formula(value: Any) -> Any:
    """Undo ``escape_formula``: only a quote that escaping would have added is removed."""
    if isinstance(value, str) and value.startswith("'") and escape_formula(value[1:]) == value:
        return value[1:]
    return value


# --- Widgets: values read from a cell, with errors that say what to write instead ---


class CodeWidget(widgets.CachedForeignKeyWidget):
    """A related row named by its code (or key); all of them are read once per import."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                f"there is no {self.model._meta.verbose_name} with {self.field} '{value}'"
            ) from None


class CodesWidget(widgets.ManyToManyWidget):
    """Related rows named by their codes, separated by commas; an unknown code is an error.

    The library's widget drops codes it does not know without a word.
    """

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        found = super().clean(value, row, **kwargs)
        if not value:
            return found
        wanted = [code.strip() for code in str(value).split(self.separator) if code.strip()]
        known = {str(getattr(related, self.field)) for related in found}
        unknown = [code for code in wanted if code not in known]
        if len(unknown) == 1:
            raise ValueError(
                f"there is no {self.model._meta.verbose_name} with {self.field} '{unknown[0]}'"
            )
        if unknown:
            names = ", ".join(f"'{code}'" for code in unknown)
            raise ValueError(
                f"there are no {self.model._meta.verbose_name_plural} with {self.field}s {names}"
            )
        return found


class NumberWidget(widgets.FloatWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        try:
            number = super().clean(value, row, **kwargs)
        except (ValueError, TypeError):
            number = math.nan
        if number is not None and not math.isfinite(number):
            raise ValueError(f"write a number such as 0.35, not '{value}'")
        return number


class WholeNumberWidget(widgets.IntegerWidget):
    """Whole years or weeks; the library's widget would read 16.5 as 16 without a word."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if self.is_empty(value):
            return None
        try:
            number = Decimal(str(value).strip())
            whole = number.is_finite() and number.adjusted() < 6 and number == int(number)
        except (InvalidOperation, ValueError):
            whole = False
        if not whole:
            raise ValueError(f"write a whole number such as 16, not '{value}'")
        return int(number)


class YesNoWidget(widgets.BooleanWidget):
    """1 / 0, true / false or yes / no; the library's widget reads anything else as "no"."""

    TRUE_WORDS = {"1", "true", "yes", "y"}
    FALSE_WORDS = {"0", "false", "no", "n", ""}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, bool):
            return value
        word = "" if value is None else str(value).strip().lower()
        if word.endswith(".0"):  # a spreadsheet's 1.0 and 0.0
            word = word[:-2]
        if word in self.TRUE_WORDS:
            return True
        if word in self.FALSE_WORDS:
            return False
        raise ValueError(f"write 1 for yes or 0 for no, not '{value}'")


def by_code(column: str, model: type[models.Model], key: str = "code") -> fields.Field:
    """A column naming a related row by its code (or key)."""
    return fields.Field(attribute=column, column_name=column, widget=CodeWidget(model, key))


# --- The preview: what each row changes ---


@dataclass(frozen=True)
class FieldChange:
    column: str
    before: str
    after: str


class FieldChanges:
    """The columns an imported row changes, read before and after the row is applied.

    It stands in for the library's ``Diff`` (same constructor and ``compare_with``), whose
    ``as_html`` gives every column of every row; the preview lists the changed ones only.
    """

    def __init__(self, resource: resources.Resource, instance: Any, new: bool) -> None:
        self.columns = [field.column_name for field in resource.get_import_fields()]
        self.before = self._read(resource, instance)
        self.after: list[str] = []
        self.new = new

    @staticmethod
    def _read(resource: resources.Resource, instance: Any) -> list[str]:
        if instance is None:
            return []
        return [str(field.export(instance) or "") for field in resource.get_import_fields()]

    def compare_with(self, resource: resources.Resource, instance: Any) -> None:
        self.after = self._read(resource, instance)

    def as_html(self) -> list[FieldChange]:
        before = [""] * len(self.after) if self.new else self.before
        return [
            FieldChange(column, old, new)
            for column, old, new in zip(self.columns, before, self.after, strict=False)
            if old != new
        ]


# --- Resources ---


class ImportResult(Result):
    """The library's result, with its problems as one line each for the preview page."""

    @property
    def problems(self) -> list[str]:
        """One line per problem, such as ``Row 12, finding: there is no finding with code
        'feverr'``; rows are numbered as a spreadsheet numbers them (the header is row 1)."""
        lines = [f"The file: {error.error}" for error in self.base_errors]
        for invalid in self.invalid_rows:
            row = f"Row {invalid.number + 1}"
            for column, messages in invalid.error_dict.items():
                where = row if column == NON_FIELD_ERRORS else f"{row}, {column}"
                lines += [f"{where}: {message}" for message in messages]
        for failed in self.error_rows:
            lines += [f"Row {failed.number + 1}: {error.error}" for error in failed.errors]
        return lines

    @property
    def unchanged(self) -> int:
        return self.totals[RowResult.IMPORT_TYPE_SKIP]


class SpreadsheetResource(resources.ModelResource):
    """Rows matched by code; formulas escaped on export; errors and preview for curators."""

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "FloatField": NumberWidget,
        "PositiveSmallIntegerField": WholeNumberWidget,
        "BooleanField": YesNoWidget,
    }

    class Meta:
        skip_unchanged = True
        # The preview lists what changes; unchanged rows are counted, not listed.
        report_skipped = False
        clean_model_instances = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.flagged_rows: set[int | None] = set()

    def export_field(self, field: Any, instance: Any, **kwargs: Any) -> Any:
        return escape_formula(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        for column, value in row.items():
            row[column] = unescape_formula(value)
        super().before_import_row(row, **kwargs)

    def get_instance(self, instance_loader: Any, row: dict[str, Any]) -> Any:
        # The columns that find the row (a code, or condition + finding + population) are read
        # first, so that an unknown code is reported against its column like any other error.
        errors = {}
        for name in self.get_import_id_fields():
            field = self.fields[name]
            if field.column_name not in row:
                continue
            try:
                field.clean(row)
            except ValueError as problem:
                errors[field.column_name] = [str(problem)]
        if errors:
            raise ValidationError(errors)
        return super().get_instance(instance_loader, row)

    def import_instance(self, instance: Any, row: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        sourced = SOURCED_FIGURES.get(type(instance))
        before = figure_values(instance) if sourced and instance.pk is not None else None
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as problem:
            errors = problem.update_error_dict(errors)
        if before is not None:
            # A figure changed while its source did not: flagged "source not updated".
            after = figure_values(instance)
            flag_after_import(instance, {name for name in after if after[name] != before[name]})
            if getattr(instance, sourced.flag):
                self.flagged_rows.add(kwargs.get("row_number"))
        # Many-to-many columns are only read when the row is saved, where a wrong code would
        # end the import with a traceback; read them here with the other columns.
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as problem:
                    errors[field.column_name] = [str(problem)]
        if errors:
            raise ValidationError(errors)

    @classmethod
    def get_result_class(cls) -> type[Result]:
        return ImportResult

    @classmethod
    def get_diff_class(cls) -> type:
        return FieldChanges

    def after_import_row(self, row: dict[str, Any], row_result: RowResult, **kwargs: Any) -> None:
        super().after_import_row(row, row_result, **kwargs)
        # The row as the curator's spreadsheet numbers it: the header is row 1.
        row_result.number = kwargs.get("row_number", 0) + 1
        row_result.source_not_updated = kwargs.get("row_number") in self.flagged_rows
