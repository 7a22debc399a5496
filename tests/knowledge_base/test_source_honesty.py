"""Sources stay honest: a figure changed while its source note and reference are not is flagged
"source not updated" until the note is updated or a curator confirms the source still holds."""

from __future__ import annotations

import json

import pytest
import tablib
from django.urls import reverse

from conditions.admin import EvidenceResource
from conditions.models import Condition, Evidence, Finding, ScoringPolicy
from conditions.selectors import knowledge_base_document, knowledge_base_pending_publication
from conditions.services import knowledge_base_publish
from tests.factories import (
    ConditionFactory,
    EvidenceFactory,
    FindingFactory,
    ScoringPolicyFactory,
)
from tests.knowledge_base.page_forms import posted_form_data

pytestmark = pytest.mark.django_db

REASON = "Brockbank 2005 re-read."
BROCKBANK = "Brockbank 2005: 48%"
FLAG_CELL = '<td class="field-source_review">source not updated</td>'


@pytest.fixture
def fever_figure():
    condition = ConditionFactory(code="septic_arthritis")
    return EvidenceFactory(
        condition=condition,
        finding=FindingFactory(code="fever"),
        probability=0.48,
        note=BROCKBANK,
    )


def change_url(row) -> str:
    return reverse(f"admin:conditions_{row._meta.model_name}_change", args=[row.pk])


def edit(client, row, **changes):
    """Open the row's admin page, change the given fields as a curator would, and save."""
    form_id = f"{row._meta.model_name}_form"
    data = posted_form_data(client.get(change_url(row)).content.decode(), form_id)
    data.update({name: value for name, value in changes.items() if value is not False})
    for name in [name for name, value in changes.items() if value is False]:
        data.pop(name, None)  # an unticked box is not posted
    data["change_reason"] = REASON
    return client.post(change_url(row), data, follow=True)


def flagged(row) -> bool:
    row.refresh_from_db()
    return row.source_needs_review


def test_changing_the_figure_alone_flags_the_row_and_says_so(admin_client, fever_figure):
    response = edit(admin_client, fever_figure, probability="0.7")

    assert response.redirect_chain  # saved: the curator is not stopped
    fever_figure.refresh_from_db()
    assert fever_figure.probability == 0.7
    assert fever_figure.source_needs_review
    assert (
        "Source not updated for septic_arthritis · fever (all): probability"
        in response.content.decode()
    )


def test_the_change_list_marks_the_row_and_filters_on_it(admin_client, fever_figure):
    untouched = EvidenceFactory(condition=fever_figure.condition)
    edit(admin_client, fever_figure, probability="0.7")
    url = reverse("admin:conditions_evidence_changelist")

    listed = admin_client.get(url)
    only_flagged = admin_client.get(url, {"source": "not_updated"})

    assert listed.content.decode().count(FLAG_CELL) == 1
    assert [row.pk for row in only_flagged.context["cl"].result_list] == [fever_figure.pk]
    assert untouched.pk in [row.pk for row in listed.context["cl"].result_list]


def test_the_edit_page_asks_whether_the_note_still_supports_the_figure(admin_client, fever_figure):
    edit(admin_client, fever_figure, probability="0.7")

    page = admin_client.get(change_url(fever_figure)).content.decode()

    assert "The source still supports the new figure" in page
    assert 'name="source_confirmed"' in page


def test_ticking_the_box_clears_the_flag(admin_client, fever_figure):
    edit(admin_client, fever_figure, probability="0.7")

    edit(admin_client, fever_figure, source_confirmed="on")

    assert not flagged(fever_figure)


def test_updating_the_note_clears_the_flag(admin_client, fever_figure):
    edit(admin_client, fever_figure, probability="0.7")

    edit(admin_client, fever_figure, note="Brockbank 2005: 48%; 70% in the 2020 audit.")

    assert not flagged(fever_figure)


@pytest.mark.parametrize(
    "with_it",
    [
        {"note": "Audit 2020: 70%"},
        {"source_confirmed": "on"},
        {"expert_estimate": "on"},
    ],
)
def test_a_figure_changed_with_its_source_or_confirmed_is_not_flagged(
    admin_client, fever_figure, with_it
):
    response = edit(admin_client, fever_figure, probability="0.7", **with_it)

    assert not flagged(fever_figure)
    assert "Source not updated" not in response.content.decode()


def test_other_edits_leave_the_flag_as_it_was(admin_client, fever_figure):
    Evidence.objects.filter(pk=fever_figure.pk).update(source_needs_review=True)

    edit(admin_client, fever_figure, population="adult")

    assert flagged(fever_figure)


def test_on_the_condition_page_the_row_is_flagged_and_asked_about_under_it(
    admin_client, fever_figure
):
    condition = fever_figure.condition
    url = change_url(condition)
    data = posted_form_data(admin_client.get(url).content.decode(), "condition_form")
    data["evidence-0-probability"] = "0.7"
    data["change_reason"] = REASON

    saved = admin_client.post(url, data, follow=True)

    assert "Source not updated for septic_arthritis · fever (all)" in saved.content.decode()
    assert flagged(fever_figure)
    page = admin_client.get(url).content.decode()
    assert '<tr class="source-question">' in page
    assert f"check that the note “{BROCKBANK}” still supports it" in page
    listed = admin_client.get(reverse("admin:conditions_condition_changelist"))
    assert listed.content.decode().count(FLAG_CELL) == 1

    data = posted_form_data(page, "condition_form")
    data["evidence-0-source_confirmed"] = "on"
    data["change_reason"] = "The series still supports it."
    admin_client.post(url, data)

    assert not flagged(fever_figure)
    assert '<tr class="source-question">' not in admin_client.get(url).content.decode()


@pytest.mark.parametrize(
    ("row", "figure", "value", "flag"),
    [
        (lambda: FindingFactory(), "baseline_adult", "0.3", "baseline_source_needs_review"),
        (lambda: ConditionFactory(), "female_share", "0.7", "female_share_source_needs_review"),
        (
            lambda: ScoringPolicyFactory(),
            "baseline_ge_6_weeks",
            "0.5",
            "baseline_duration_source_needs_review",
        ),
    ],
)
def test_baselines_shares_and_durations_with_their_own_sources_are_flagged_too(
    admin_client, row, figure, value, flag
):
    row = row()

    edit(admin_client, row, **{figure: value})

    row.refresh_from_db()
    assert getattr(row, flag)
    confirm = flag.replace("source_needs_review", "source_confirmed")
    edit(admin_client, row, **{confirm: "on"})
    row.refresh_from_db()
    assert not getattr(row, flag)


def import_csv(rows: list[list[str]]):
    data = tablib.Dataset(
        headers=[
            "condition",
            "finding",
            "population",
            "probability",
            "reference",
            "expert_estimate",
            "note",
        ]
    )
    for row in rows:
        data.append(row)
    return EvidenceResource().import_data(data, dry_run=False)


def test_an_import_changing_the_figure_alone_flags_the_row(fever_figure):
    reference = fever_figure.reference.key

    result = import_csv([["septic_arthritis", "fever", "all", "0.7", reference, "0", BROCKBANK]])

    assert not result.problems
    assert flagged(fever_figure)
    (row,) = result.valid_rows()
    assert row.source_not_updated


def test_an_import_changing_the_note_too_clears_the_flag(fever_figure):
    Evidence.objects.filter(pk=fever_figure.pk).update(source_needs_review=True)
    reference = fever_figure.reference.key

    import_csv([["septic_arthritis", "fever", "all", "0.7", reference, "0", "Audit 2020: 70%"]])

    assert not flagged(fever_figure)


def test_the_import_preview_warns_about_the_row(admin_client, fever_figure):
    from django.core.files.uploadedfile import SimpleUploadedFile

    header, *rows = EvidenceResource().export().csv.splitlines()
    csv = "\n".join([header, rows[0].replace(",0.48,", ",0.7,")]) + "\n"
    url = reverse("admin:conditions_evidence_import")
    form = admin_client.get(url).context["form"]
    csv_format = next(value for value, label in form.fields["format"].choices if label == "csv")

    page = admin_client.post(
        url,
        {
            "format": csv_format,
            "import_file": SimpleUploadedFile("rows.csv", csv.encode(), "text/csv"),
            "change_reason": REASON,
        },
    ).content.decode()

    assert "the row will be marked “source not updated”" in page
    assert not flagged(fever_figure)  # a preview changes nothing


def test_the_flag_is_never_part_of_the_knowledge_document_or_an_export(loaded):
    Evidence.objects.update(source_needs_review=True)
    Finding.objects.update(baseline_source_needs_review=True)
    Condition.objects.update(female_share_source_needs_review=True)
    ScoringPolicy.objects.update(baseline_duration_source_needs_review=True)

    document = json.dumps(knowledge_base_document())
    exported = EvidenceResource().export().csv

    assert "review" not in document
    assert "review" not in exported


def test_flagging_a_published_figure_leaves_nothing_to_publish(loaded):
    knowledge_base_publish(published_by=None, note="first")

    Evidence.objects.update(source_needs_review=True)

    assert knowledge_base_pending_publication().unchanged
