"""The spreadsheet import preview shows only what changes, and problems in the curator's words."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conditions.admin import ConditionResource, EvidenceResource
from conditions.models import Evidence
from tests.factories import ConditionFactory, EvidenceFactory, FindingFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

EVIDENCE_COLUMNS = "condition,finding,population,probability,reference,expert_estimate,note"


def import_preview(client, model: str, csv: str):
    """POST a CSV file to the admin import page of ``model``: the dry run and its preview."""
    url = reverse(f"admin:conditions_{model}_import")
    form = client.get(url).context["form"]
    csv_format = next(value for value, label in form.fields["format"].choices if label == "csv")
    return client.post(
        url,
        {
            "format": csv_format,
            "import_file": SimpleUploadedFile("rows.csv", csv.encode(), "text/csv"),
            "change_reason": "Checked against the source table.",
        },
    )


@pytest.fixture
def thirty_evidence_rows():
    condition = ConditionFactory(code="septic_arthritis")
    return [EvidenceFactory(condition=condition, probability=0.4) for _ in range(30)]


def exported_with(change) -> str:
    """The evidence as exported, with ``change`` applied to the lines of the data rows."""
    header, *rows = EvidenceResource().export().csv.splitlines()
    return "\n".join([header, *change(rows)]) + "\n"


def test_the_preview_lists_the_changed_row_and_counts_the_unchanged_ones_once(
    admin_client, thirty_evidence_rows
):
    first = thirty_evidence_rows[0]

    def raise_the_first(rows):
        return [rows[0].replace(",0.4,", ",0.7,"), *rows[1:]]

    response = import_preview(admin_client, "evidence", exported_with(raise_the_first))

    page = response.content.decode()
    assert response.status_code == 200
    assert "29 rows unchanged." in page
    assert page.count("unchanged") == 1
    assert "Skipped" not in page
    assert "0 new rows, 1 updated row." in page
    rows = response.context["result"].valid_rows()
    assert [row.object_repr for row in rows] == [str(first)]
    assert [(c.column, c.before, c.after) for c in rows[0].diff] == [("probability", "0.4", "0.7")]
    assert "<del>0.4</del> → <ins>0.7</ins>" in page


def test_the_preview_is_short_whatever_the_number_of_unchanged_rows(
    admin_client, thirty_evidence_rows
):
    response = import_preview(admin_client, "evidence", exported_with(lambda rows: rows))

    page = response.content.decode()
    assert "Nothing in the file differs from the drafts" in page
    assert "30 rows unchanged." in page
    assert '<table class="import-changes"' not in page


def test_a_new_row_is_listed_with_its_values(admin_client, thirty_evidence_rows):
    FindingFactory(code="night_pain")
    new_row = "septic_arthritis,night_pain,all,0.25,,,1,est. from the case series"

    response = import_preview(
        admin_client, "evidence", exported_with(lambda rows: [*rows, new_row])
    )

    page = response.content.decode()
    assert "1 new row, 0 updated rows." in page
    assert "30 rows unchanged." in page
    (row,) = response.context["result"].valid_rows()
    assert row.number == 32  # the header is row 1, the 30 exported rows are rows 2 to 31
    assert ("probability", "", "0.25") in [(c.column, c.before, c.after) for c in row.diff]


def test_an_unknown_finding_is_named_with_its_row_and_column(admin_client, thirty_evidence_rows):
    def misspell_the_third(rows):
        condition, _misspelt, *rest = rows[2].split(",")
        return [*rows[:2], ",".join([condition, "feverr", *rest]), *rows[3:]]

    response = import_preview(admin_client, "evidence", exported_with(misspell_the_third))

    page = response.content.decode()
    assert "Row 4, finding: there is no finding with code &#x27;feverr&#x27;" in page
    assert "matching query does not exist" not in page
    assert "Traceback" not in page
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None


def test_an_unknown_reference_and_a_word_for_a_number_are_named(admin_client):
    FindingFactory(code="fever")
    ConditionFactory(code="septic_arthritis")
    csv = (
        f"{EVIDENCE_COLUMNS}\n"
        "septic_arthritis,fever,all,0.3,smith-2001-nowhere,0,\n"
        "septic_arthritis,fever,child,about a third,,1,\n"
    )

    problems = import_preview(admin_client, "evidence", csv).context["result"].problems

    assert problems == [
        "Row 2, reference: there is no reference with key 'smith-2001-nowhere'",
        "Row 3, probability: write a number such as 0.35, not 'about a third'",
    ]


def test_a_value_out_of_range_keeps_the_clinical_message_with_its_row(admin_client):
    FindingFactory(code="fever")
    ConditionFactory(code="septic_arthritis")
    csv = f"{EVIDENCE_COLUMNS}\nseptic_arthritis,fever,all,1.5,,1,\n"

    (problem,) = import_preview(admin_client, "evidence", csv).context["result"].problems

    assert problem.startswith("Row 2: The probability must be a probability strictly between 0")


def test_an_unknown_general_reference_of_a_condition_is_named_not_dropped(loaded):
    import tablib

    ReferenceFactory(key="known-2020-study")
    exported = ConditionResource().export()
    column = exported.headers.index("references")
    row = list(exported[0])
    row[column] = "known-2020-study, unknown-1999-study"
    rows = tablib.Dataset(row, headers=exported.headers)

    result = ConditionResource().import_data(rows, dry_run=True)

    assert result.problems == [
        "Row 2, references: there is no reference with key 'unknown-1999-study'"
    ]


@pytest.mark.parametrize(("written", "read"), [("yes", True), ("No", False), ("1.0", True)])
def test_yes_and_no_are_read_as_a_curator_writes_them(loaded, written, read):
    import tablib

    rows = tablib.Dataset(headers=EVIDENCE_COLUMNS.split(","))
    rows.append(
        ["septic_arthritis", "fever", "all", "0.3", "fischer-1999-limping-child", written, ""]
    )

    result = EvidenceResource().import_data(rows, dry_run=False)

    assert not result.problems
    row = Evidence.objects.get(condition__code="septic_arthritis", finding__code="fever")
    assert row.expert_estimate is read


def test_a_word_that_is_neither_yes_nor_no_is_an_error_not_a_no(loaded):
    import tablib

    rows = tablib.Dataset(headers=EVIDENCE_COLUMNS.split(","))
    rows.append(["septic_arthritis", "fever", "all", "0.3", "", "maybe", ""])

    result = EvidenceResource().import_data(rows, dry_run=True)

    assert result.problems == ["Row 2, expert_estimate: write 1 for yes or 0 for no, not 'maybe'"]


def test_a_whole_number_column_refuses_a_fraction(loaded):
    import tablib

    exported = ConditionResource().export()
    column = exported.headers.index("min_age")
    row = list(exported[0])
    row[column] = "16.5"

    result = ConditionResource().import_data(
        tablib.Dataset(row, headers=exported.headers), dry_run=True
    )

    assert result.problems == ["Row 2, min_age: write a whole number such as 16, not '16.5'"]
