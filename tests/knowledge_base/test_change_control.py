"""Every edit of the drafts records who made it and why: the admin asks for a reason on each add,
change, delete and import, and every history row the save writes carries it (issue 12)."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from conditions.models import (
    Condition,
    ConditionPrior,
    DurationEvidence,
    Evidence,
    Reference,
)
from conditions.services import knowledge_base_publish
from tests.factories import ReferenceFactory
from tests.knowledge_base.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

REASON = "Sensitivity re-estimated from Margaretten 2007, table 2"


def septic_fever() -> Evidence:
    return Evidence.objects.get(condition__code="septic_arthritis", finding__code="fever")


def evidence_url(evidence: Evidence) -> str:
    return reverse("admin:conditions_evidence_change", args=[evidence.pk])


def condition_url(code: str) -> str:
    return reverse("admin:conditions_condition_change", args=[Condition.objects.get(code=code).pk])


def test_a_change_without_a_reason_is_refused_and_nothing_is_saved(curator_client, loaded):
    evidence = septic_fever()
    rows_before = evidence.history.count()
    form = change_form_data(curator_client.get(evidence_url(evidence)), reason=None)
    form["probability"] = "0.45"

    response = curator_client.post(evidence_url(evidence), form)

    assert response.status_code == 200
    assert "Enter the reason for this change" in response.content.decode()
    assert septic_fever().probability == 0.3
    assert evidence.history.count() == rows_before


def test_the_change_form_asks_for_the_reason_above_save(curator_client, loaded):
    page = curator_client.get(evidence_url(septic_fever())).content.decode()

    assert "Reason for this change" in page
    assert page.index("Reason for this change") < page.index('name="_save"')


def test_the_history_row_carries_the_reason_and_the_curator(curator_client, curator, loaded):
    form = change_form_data(curator_client.get(evidence_url(septic_fever())), reason=REASON)
    form["probability"] = "0.45"

    assert curator_client.post(evidence_url(septic_fever()), form).status_code == 302

    latest = septic_fever().history.first()
    assert (latest.probability, latest.history_user, latest.history_change_reason) == (
        0.45,
        curator,
        REASON,
    )


def test_a_long_reason_is_kept_whole(curator_client, loaded):
    reason = " ".join(["The pooled estimate of three cohorts, not the single-centre figure."] * 5)
    form = change_form_data(curator_client.get(evidence_url(septic_fever())), reason=reason)
    form["probability"] = "0.45"

    curator_client.post(evidence_url(septic_fever()), form)

    assert septic_fever().history.first().history_change_reason == reason


def test_inline_rows_saved_with_their_condition_carry_the_reason(curator_client, curator, loaded):
    url = condition_url("septic_arthritis")
    form = change_form_data(curator_client.get(url), reason=REASON)
    form["name"] = "Joint infection (septic arthritis)"
    evidence_prefix = next(
        key.removesuffix("-TOTAL_FORMS")
        for key in form
        if key.endswith("-TOTAL_FORMS") and key.startswith("evidence")
    )
    form[f"{evidence_prefix}-0-probability"] = "0.4"
    form["priors-0-probability"] = "0.45"

    assert curator_client.post(url, form).status_code == 302

    condition = Condition.objects.get(code="septic_arthritis")
    prior = ConditionPrior.objects.filter(condition=condition).order_by("age_band__min_age")[0]
    for row in (condition, septic_fever(), prior):
        latest = row.history.first()
        assert (latest.history_user, latest.history_change_reason) == (curator, REASON), row
    assert septic_fever().probability == 0.4


def test_an_inline_row_deleted_from_its_condition_carries_the_reason(curator_client, loaded):
    url = condition_url("septic_arthritis")
    form = change_form_data(curator_client.get(url), reason="Duplicate row, kept the other")
    evidence_prefix = next(
        key.removesuffix("-TOTAL_FORMS")
        for key in form
        if key.endswith("-TOTAL_FORMS") and key.startswith("evidence")
    )
    form[f"{evidence_prefix}-0-DELETE"] = "on"
    evidence_id = septic_fever().pk

    assert curator_client.post(url, form).status_code == 302

    deleted = Evidence.history.filter(id=evidence_id, history_type="-").get()
    assert deleted.history_change_reason == "Duplicate row, kept the other"


def test_a_link_to_a_general_reference_carries_the_reason(curator_client, loaded):
    url = condition_url("septic_arthritis")
    form = change_form_data(curator_client.get(url), reason="Adds the guideline it follows")
    form["references"] = [str(Reference.objects.get().pk)]

    assert curator_client.post(url, form).status_code == 302

    latest = Condition.objects.get(code="septic_arthritis").history.first()
    assert list(latest.references.values_list("reference__key", flat=True)) == [
        "fischer-1999-limping-child"
    ]
    assert latest.history_change_reason == "Adds the guideline it follows"


def test_adding_needs_a_reason_too(curator_client):
    url = reverse("admin:conditions_reference_add")
    data = {"key": "smith-2020-hip", "citation": "Smith J. Hip pain. 2020."}

    refused = curator_client.post(url, {**data, "change_reason": ""})
    added = curator_client.post(url, {**data, "change_reason": "Cited by the new OA figures"})

    assert refused.status_code == 200
    assert added.status_code == 302
    history = Reference.objects.get(key="smith-2020-hip").history.get()
    assert (history.history_type, history.history_change_reason) == (
        "+",
        "Cited by the new OA figures",
    )


def test_deleting_asks_for_a_reason_and_every_row_deleted_with_it_keeps_it(curator_client, loaded):
    condition = Condition.objects.get(code="septic_arthritis")
    url = reverse("admin:conditions_condition_delete", args=[condition.pk])
    evidence_id, duration_id = (
        septic_fever().pk,
        DurationEvidence.objects.get(condition=condition).pk,
    )

    page = curator_client.get(url)
    refused = curator_client.post(url, {"post": "yes", "change_reason": ""})

    assert "Reason for this change" in page.content.decode()
    assert refused.status_code == 200
    assert "Enter the reason for this change" in refused.content.decode()
    assert Condition.objects.filter(pk=condition.pk).exists()

    deleted = curator_client.post(url, {"post": "yes", "change_reason": "Merged into another"})

    assert deleted.status_code == 302
    assert not Condition.objects.filter(pk=condition.pk).exists()
    for model, pk in ((Condition, condition.pk), (Evidence, evidence_id)):
        row = model.history.get(id=pk, history_type="-")
        assert row.history_change_reason == "Merged into another", model
    duration = DurationEvidence.history.get(id=duration_id, history_type="-")
    assert duration.history_change_reason == "Merged into another"


def test_deleting_many_rows_at_once_is_not_offered(curator_client, loaded):
    page = curator_client.get(reverse("admin:conditions_evidence_changelist"))

    assert "delete_selected" not in page.content.decode()


def test_the_history_page_shows_the_reason(curator_client, loaded):
    form = change_form_data(curator_client.get(evidence_url(septic_fever())), reason=REASON)
    form["probability"] = "0.45"
    curator_client.post(evidence_url(septic_fever()), form)

    page = curator_client.get(
        reverse("admin:conditions_evidence_history", args=[septic_fever().pk])
    )

    assert REASON in page.content.decode()


def test_a_spreadsheet_import_asks_for_a_reason_and_records_it(curator_client, curator, loaded):
    url = reverse("admin:conditions_reference_import")
    page = curator_client.get(url)
    csv_format = next(
        value for value, label in page.context["form"].fields["format"].choices if label == "csv"
    )
    upload = {
        "format": csv_format,
        "resource": "0",
    }

    def spreadsheet() -> SimpleUploadedFile:
        return SimpleUploadedFile(
            "references.csv",
            b"key,citation,url,doi,note\nsmith-2020-hip,Smith J. Hip pain. 2020.,,,\n",
            content_type="text/csv",
        )

    refused = curator_client.post(url, {**upload, "import_file": spreadsheet()})
    preview = curator_client.post(
        url, {**upload, "import_file": spreadsheet(), "change_reason": "References of review 3"}
    )

    assert "Reason for this change" in page.content.decode()
    assert "Enter the reason for this change" in refused.content.decode()
    confirm = preview.context["confirm_form"]
    assert confirm.initial["change_reason"] == "References of review 3"
    processed = curator_client.post(
        reverse("admin:conditions_reference_process_import"),
        {name: confirm.initial.get(name, "") for name in confirm.fields},
    )
    assert processed.status_code == 302
    history = Reference.objects.get(key="smith-2020-hip").history.get()
    assert (history.history_user, history.history_change_reason) == (
        curator,
        "References of review 3",
    )


def write_document(tmp_path, document) -> str:
    path = tmp_path / "knowledge.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return str(path)


def test_loading_a_file_into_a_knowledge_base_requires_a_reason_and_records_it(
    tmp_path, loaded, document
):
    knowledge_base_publish(published_by=None, note="first")
    document["conditions"][0]["evidence"][0]["probability"] = 0.4
    path = write_document(tmp_path, document)

    with pytest.raises(CommandError, match="--reason is required"):
        call_command("load_knowledge_base", path, stdout=StringIO())
    assert septic_fever().probability == 0.3

    call_command("load_knowledge_base", path, "--reason", "Annual review 2026", stdout=StringIO())

    latest = septic_fever().history.first()
    assert (latest.probability, latest.history_user, latest.history_change_reason) == (
        0.4,
        None,
        "Annual review 2026",
    )


def test_a_dry_run_needs_no_reason(tmp_path, loaded, document):
    out = StringIO()

    call_command("load_knowledge_base", write_document(tmp_path, document), "--dry-run", stdout=out)

    assert "Dry run: nothing was written." in out.getvalue()


def test_the_seed_records_its_note_as_the_reason(tmp_path, document):
    call_command("seed_knowledge_base", write_document(tmp_path, document), stdout=StringIO())

    reasons = set(Evidence.history.values_list("history_change_reason", flat=True))
    assert len(reasons) == 1
    assert reasons.pop().startswith("seeded from ")


def test_a_reference_made_by_a_factory_has_no_reason():
    # Outside the admin and the commands nothing asks for one: the history keeps None.
    assert ReferenceFactory().history.get().history_change_reason is None


def test_reverting_to_an_earlier_version_from_the_history_asks_for_a_reason(
    curator_client, curator, loaded
):
    evidence = septic_fever()
    form = change_form_data(curator_client.get(evidence_url(evidence)), reason="Try 0.45")
    form["probability"] = "0.45"
    curator_client.post(evidence_url(evidence), form)
    first = evidence.history.earliest()
    url = reverse("admin:conditions_evidence_simple_history", args=[evidence.pk, first.pk])

    page = curator_client.get(url)
    revert = change_form_data(page, reason="Back to the seeded figure")
    refused = curator_client.post(url, {**revert, "change_reason": ""})
    reverted = curator_client.post(url, revert)

    assert "Reason for this change" in page.content.decode()
    assert refused.status_code == 200
    assert reverted.status_code == 302
    latest = septic_fever().history.first()
    assert (latest.probability, latest.history_user, latest.history_change_reason) == (
        0.3,
        curator,
        "Back to the seeded figure",
    )
