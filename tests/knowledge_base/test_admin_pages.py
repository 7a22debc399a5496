"""Every knowledge-base admin page opens: lists, forms, history, import and export."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conditions.models import Condition, Evidence, Finding, RedFlagRule, Reference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "reference",
    "ageband",
    "scoringpolicy",
    "finding",
    "condition",
    "conditionprior",
    "durationevidence",
    "evidence",
    "redflagrule",
    "knowledgebaseversion",
]


@pytest.mark.parametrize("model", MODELS)
def test_the_list_page_opens(admin_client, loaded, model):
    assert admin_client.get(reverse(f"admin:conditions_{model}_changelist")).status_code == 200


@pytest.mark.parametrize("model", ["reference", "finding", "condition", "evidence", "redflagrule"])
def test_the_add_page_opens(admin_client, model):
    assert admin_client.get(reverse(f"admin:conditions_{model}_add")).status_code == 200


@pytest.mark.parametrize(
    ("model", "row"),
    [
        (Condition, lambda: Condition.objects.get(code="septic_arthritis")),
        (Finding, lambda: Finding.objects.get(code="fever")),
        (Evidence, lambda: Evidence.objects.first()),
        (RedFlagRule, lambda: RedFlagRule.objects.get()),
        (Reference, lambda: Reference.objects.get()),
    ],
)
def test_the_change_and_history_pages_open(admin_client, loaded, model, row):
    name = model._meta.model_name
    pk = row().pk

    assert (
        admin_client.get(reverse(f"admin:conditions_{name}_change", args=[pk])).status_code == 200
    )
    assert (
        admin_client.get(reverse(f"admin:conditions_{name}_history", args=[pk])).status_code == 200
    )


@pytest.mark.parametrize("model", ["reference", "finding", "condition", "evidence"])
def test_import_and_export_pages_open(admin_client, loaded, model):
    assert admin_client.get(reverse(f"admin:conditions_{model}_import")).status_code == 200
    assert admin_client.get(reverse(f"admin:conditions_{model}_export")).status_code == 200


def test_evidence_exported_as_csv_names_conditions_and_findings_by_code(loaded):
    from conditions.admin import EvidenceResource

    exported = EvidenceResource().export().csv

    assert exported.splitlines()[0] == (
        "condition,finding,population,probability,specificity,reference,expert_estimate,note"
    )
    assert "septic_arthritis,fever,all,0.3," in exported


def test_evidence_imported_from_csv_updates_the_matching_row(loaded):
    import tablib

    from conditions.admin import EvidenceResource

    rows = tablib.Dataset(
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
    rows.append(["septic_arthritis", "fever", "all", "0.35", "", "1", "re-estimated"])

    result = EvidenceResource().import_data(rows, dry_run=False)

    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert Evidence.objects.get(condition__code="septic_arthritis").probability == 0.35


def test_an_out_of_range_import_is_refused_with_the_clinical_message(loaded):
    import tablib

    from conditions.admin import EvidenceResource

    rows = tablib.Dataset(
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
    rows.append(["septic_arthritis", "fever", "all", "1.5", "", "1", ""])

    result = EvidenceResource().import_data(rows, dry_run=True)

    assert result.has_validation_errors()
    messages = str(result.invalid_rows[0].error_dict)
    assert "strictly between 0 and 1" in messages


def test_importing_needs_the_permission_to_add_and_change(curator_client):
    staff_in_no_group = Client()
    staff_in_no_group.force_login(UserFactory())
    url = reverse("admin:conditions_evidence_import")

    assert staff_in_no_group.get(url).status_code == 403
    assert curator_client.get(url).status_code == 200
