"""A condition as a mixture of its forms, and evidence from a study of the same complaint
(specificity): from the knowledge file to the drafts and back to the published document, and
edited in the admin with a reason, history, review and the database's checks."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from conditions import knowledge_file
from conditions.admin import ConditionFormResource, EvidenceResource, FormEvidenceResource
from conditions.diffs import field_changes
from conditions.models import Condition, ConditionForm, Evidence, FormEvidence, KnowledgeBaseVersion
from conditions.selectors import knowledge_base_document, knowledge_base_pending_publication
from conditions.services import (
    UnpublishedDraftEdits,
    knowledge_base_load,
    knowledge_base_load_and_publish_first,
    knowledge_base_load_draft,
)
from tests.factories import (
    ConditionFactory,
    ConditionFormFactory,
    EvidenceFactory,
    FindingFactory,
    FormEvidenceFactory,
)
from tests.knowledge_base.page_forms import posted_form_data

pytestmark = pytest.mark.django_db

REASON = "Subtype shares re-read in the ILAR cohort table."


def sourced(**figures: Any) -> dict[str, Any]:
    return {**figures, "reference": None, "expert_estimate": True, "note": ""}


def with_forms(document: dict[str, Any]) -> dict[str, Any]:
    """The small knowledge file, with septic arthritis as two forms and a study row."""
    document = copy.deepcopy(document)
    (septic,) = [c for c in document["conditions"] if c["code"] == "septic_arthritis"]
    septic["evidence"] = [
        sourced(finding="fever", probability=0.3, specificity=0.9),
        sourced(finding="unable_to_bear_weight", population="child", probability=0.6),
    ]
    septic["forms"] = [
        {
            # Written out of order: the published document lists forms by code.
            "code": "late",
            "name": "Late infection",
            "description": "The type that starts weeks after an operation.",
            "share": 0.4,
            **sourced(),
            "note": "Share from the joint registry.",
            "evidence": [
                sourced(finding="unable_to_bear_weight", probability=0.5),
                sourced(finding="fever", probability=0.2, specificity=0.95),
            ],
        },
        {
            "code": "early",
            "name": "Early infection",
            "description": "The type that starts within days.",
            "share": 0.6,
            **sourced(),
            "reference": "fischer-1999-limping-child",
        },
    ]
    return document


@pytest.fixture
def forms_document(document) -> dict[str, Any]:
    return with_forms(document)


@pytest.fixture
def loaded_forms(forms_document) -> dict[str, Any]:
    knowledge_base_load(document=forms_document)
    return forms_document


def septic_form(code: str) -> ConditionForm:
    return ConditionForm.objects.get(condition__code="septic_arthritis", code=code)


def change_url(row) -> str:
    return reverse(f"admin:conditions_{row._meta.model_name}_change", args=[row.pk])


def page_data(client, row, *, reason: str | None = REASON) -> dict[str, Any]:
    """What a browser posts from ``row``'s admin page unchanged, with the reason typed in."""
    data = posted_form_data(
        client.get(change_url(row)).content.decode(), f"{row._meta.model_name}_form"
    )
    if reason is not None:
        data["change_reason"] = reason
    return data


def inline_index(client, row, inline_model, instance) -> int:
    response = client.get(change_url(row))
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is inline_model
    ]
    return next(i for i, form in enumerate(formset.forms) if form.instance.pk == instance.pk)


# --- The round trip: file → drafts → published document ---


def test_the_file_loads_into_forms_and_comes_back_the_same(forms_document):
    report = knowledge_base_load(document=forms_document)

    assert knowledge_base_document() == knowledge_file.canonical(forms_document)
    counts = {name: (c.created, c.updated, c.deleted) for name, c in report.counts.items()}
    assert counts["condition forms"] == (2, 0, 0)
    assert counts["form evidence"] == (2, 0, 0)
    (septic,) = [
        c for c in knowledge_base_document()["conditions"] if c["code"] == "septic_arthritis"
    ]
    assert [form["code"] for form in septic["forms"]] == ["early", "late"]
    assert [row["finding"] for row in septic["forms"][1]["evidence"]] == [
        "fever",
        "unable_to_bear_weight",
    ]
    assert septic["evidence"][0]["specificity"] == 0.9
    assert septic["evidence"][1]["specificity"] is None
    assert septic["forms"][0]["reference"] == "fischer-1999-limping-child"


def test_every_condition_and_evidence_row_carries_the_new_keys_empty_when_not_given(loaded):
    document = knowledge_base_document()

    for condition in document["conditions"]:
        assert condition["forms"] == []
        assert all(row["specificity"] is None for row in condition["evidence"])
    assert document == knowledge_file.canonical(loaded)


def test_loading_the_same_file_again_writes_nothing(loaded_forms):
    before = FormEvidence.history.count() + ConditionForm.history.count()

    report = knowledge_base_load(document=loaded_forms)

    assert not report.changed
    assert report.counts["condition forms"].unchanged == 2
    assert report.counts["form evidence"].unchanged == 2
    assert FormEvidence.history.count() + ConditionForm.history.count() == before


def test_a_changed_file_updates_adds_and_deletes_forms_and_their_evidence(loaded_forms):
    document = copy.deepcopy(loaded_forms)
    (septic,) = [c for c in document["conditions"] if c["code"] == "septic_arthritis"]
    late, early = septic["forms"]
    late["share"], early["share"] = 0.3, 0.7
    late["evidence"] = [sourced(finding="fever", probability=0.2, specificity=0.8)]
    early["evidence"] = [sourced(finding="fever", population="adult", probability=0.4)]
    septic["evidence"][0]["specificity"] = None

    report = knowledge_base_load(document=document)

    assert (report.counts["condition forms"].updated, report.counts["form evidence"].updated) == (
        2,
        1,
    )
    assert report.counts["form evidence"].created == 1
    assert report.counts["form evidence"].deleted == 1
    assert knowledge_base_document() == knowledge_file.canonical(document)
    assert (
        Evidence.objects.get(condition__code="septic_arthritis", finding__code="fever").specificity
        is None
    )

    # A condition that loses its forms loses their evidence with them.
    septic["forms"] = []
    report = knowledge_base_load(document=document)
    assert report.counts["condition forms"].deleted == 2
    assert report.counts["form evidence"].deleted == 2
    assert not FormEvidence.objects.exists()


def test_the_published_version_holds_the_forms_and_specificity(forms_document):
    _, version = knowledge_base_load_and_publish_first(
        document=forms_document, note="First version with forms."
    )

    stored = KnowledgeBaseVersion.objects.get(pk=version.pk).document
    assert stored == knowledge_file.canonical(forms_document)
    (septic,) = [c for c in stored["conditions"] if c["code"] == "septic_arthritis"]
    assert [form["share"] for form in septic["forms"]] == [0.6, 0.4]


def test_the_seeded_knowledge_base_keeps_its_forms_through_the_drafts(seeded_document):
    knowledge_base_load(document=seeded_document)

    document = knowledge_base_document()

    assert document == knowledge_file.canonical(seeded_document)
    with_forms_in_file = [c["code"] for c in seeded_document["conditions"] if c["forms"]]
    assert with_forms_in_file  # the seed has at least one condition as a mixture of forms
    assert [c["code"] for c in document["conditions"] if c["forms"]] == sorted(with_forms_in_file)


def test_a_version_published_before_the_new_keys_differs_only_in_what_changed(forms_document):
    """Versions published before forms and specificity existed lack the keys: absent and empty
    (null, []) are the same, so the waiting list shows only real changes."""
    old = knowledge_file.canonical(forms_document)
    for condition in old["conditions"]:
        for row in condition["evidence"]:
            if row["specificity"] is None:
                del row["specificity"]
        if not condition["forms"]:
            del condition["forms"]
    new = knowledge_file.canonical(forms_document)
    assert field_changes(old, new) == []

    (septic,) = [c for c in new["conditions"] if c["code"] == "septic_arthritis"]
    septic["evidence"][1]["specificity"] = 0.8
    assert [change.line() for change in field_changes(old, new)] == [
        "conditions[septic_arthritis].evidence[unable_to_bear_weight, child].specificity: added"
    ]


# --- The database's checks, in the clinician's words ---


@pytest.mark.parametrize("share", [1.5, 0, 1])
def test_a_share_outside_zero_and_one_is_refused(share):
    form = ConditionFormFactory.build(condition=ConditionFactory(), share=share)

    with pytest.raises(ValidationError, match="strictly between 0 and 1"):
        form.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        form.save()


@pytest.mark.parametrize("factory", [EvidenceFactory, FormEvidenceFactory])
@pytest.mark.parametrize("specificity", [0, 1, 1.2])
def test_a_specificity_of_0_or_1_or_above_is_refused(factory, specificity):
    row = factory.build(specificity=specificity, probability=0.6)
    owner = "form" if factory is FormEvidenceFactory else "condition"
    setattr(row, owner, ConditionFormFactory() if owner == "form" else ConditionFactory())
    row.finding = FindingFactory()
    row.reference = None
    row.expert_estimate = True

    with pytest.raises(ValidationError, match="The specificity must be a probability strictly"):
        row.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_a_study_row_whose_yes_would_lower_the_condition_is_refused():
    row = EvidenceFactory.build(
        condition=ConditionFactory(),
        finding=FindingFactory(),
        probability=0.05,
        specificity=0.9,
        reference=None,
        expert_estimate=True,
    )

    with pytest.raises(ValidationError, match="not above 1 − specificity"):
        row.full_clean()


def test_no_specificity_and_a_form_row_without_one_are_fine():
    EvidenceFactory(specificity=None).full_clean()
    FormEvidenceFactory(specificity=0.9, probability=0.5).full_clean()


def test_a_form_code_is_unique_within_its_condition_only():
    first = ConditionFormFactory(code="systemic")
    ConditionFormFactory(code="systemic")  # another condition's form

    twin = ConditionFormFactory.build(condition=first.condition, code="systemic")
    with pytest.raises(ValidationError, match="already has a form with this code"):
        twin.full_clean()


# --- The admin: reasons, history, review ---


def test_editing_a_forms_share_needs_a_reason_and_is_kept_in_history_and_review(
    curator_client, forms_document
):
    knowledge_base_load_and_publish_first(document=forms_document, note="v1")
    late = septic_form("late")
    data = page_data(curator_client, late, reason=None)
    data["share"] = "0.35"
    data["note"] = "Registry 2020: 35 %."

    refused = curator_client.post(change_url(late), data)
    assert refused.status_code == 200
    assert "Enter the reason for this change" in refused.content.decode()
    late.refresh_from_db()
    assert late.share == 0.4

    data["change_reason"] = REASON
    saved = curator_client.post(change_url(late), data, follow=True)

    assert saved.redirect_chain
    late.refresh_from_db()
    assert late.share == 0.35
    # The other form still says 0.6: saved, but the curator is told the shares no longer add up.
    assert "The shares of the forms add up to 0.95, not 1" in saved.content.decode()
    last = late.history.latest()
    assert (last.history_change_reason, last.history_user) == (REASON, saved.wsgi_request.user)
    pending = {p.change.location: p for p in knowledge_base_pending_publication().field_changes}
    change = pending["conditions[septic_arthritis].forms[late].share"]
    assert (change.change.old, change.change.new) == (0.4, 0.35)
    assert change.reasons == (REASON,)
    assert change.change.source["note"] == "Registry 2020: 35 %."
    # Publishing is refused until the shares add up again.
    assert any(
        "shares add up to 0.95" in problem
        for problem in knowledge_base_pending_publication().problems
    )


def test_editing_a_forms_evidence_on_its_page_is_kept_in_history_and_review(
    curator_client, forms_document
):
    knowledge_base_load_and_publish_first(document=forms_document, note="v1")
    late = septic_form("late")
    fever = late.evidence.get(finding__code="fever")
    index = inline_index(curator_client, late, FormEvidence, fever)
    page = curator_client.get(change_url(late)).content.decode()
    assert "LR+ 4.00 · LR− 0.84" in page  # 0.2 / (1 − 0.95), (1 − 0.2) / 0.95
    data = page_data(curator_client, late)
    data[f"evidence-{index}-probability"] = "0.25"
    data[f"evidence-{index}-specificity"] = "0.9"
    data[f"evidence-{index}-note"] = "Cohort of 120 hips, table 2."

    assert curator_client.post(change_url(late), data).status_code == 302

    fever.refresh_from_db()
    assert (fever.probability, fever.specificity) == (0.25, 0.9)
    assert fever.history.latest().history_change_reason == REASON
    pending = {p.change.location: p for p in knowledge_base_pending_publication().field_changes}
    where = "conditions[septic_arthritis].forms[late].evidence[fever]"
    assert pending[f"{where}.specificity"].change.line() == f"{where}.specificity: 0.95 → 0.9"
    assert pending[f"{where}.probability"].reasons == (REASON,)
    assert not knowledge_base_pending_publication().problems
    waiting = curator_client.get(reverse("admin:conditions_knowledgebaseversion_waiting"))
    text = " ".join(waiting.content.decode().split())
    assert (
        "<td><code>forms[late].evidence[fever].specificity</code></td> "
        "<td><code>0.95</code></td> <td><code>0.9</code></td>"
    ) in text
    assert f"<p>{REASON}</p>" in text


def test_a_form_figure_changed_without_its_source_is_flagged(admin_client, loaded_forms):
    late = septic_form("late")
    data = page_data(admin_client, late)
    data["share"] = "0.45"

    saved = admin_client.post(change_url(late), data, follow=True)

    late.refresh_from_db()
    assert late.source_needs_review
    assert "Source not updated for septic_arthritis · late: share" in saved.content.decode()


def test_the_condition_page_lists_its_forms_and_refuses_shares_that_do_not_add_up(
    admin_client, loaded_forms
):
    septic = Condition.objects.get(code="septic_arthritis")
    page = admin_client.get(change_url(septic)).content.decode()
    assert 'id="forms-group"' in page
    forms_group = page.split('id="forms-group"')[1]
    assert "Late infection" in forms_group
    assert f'href="{change_url(septic_form("late"))}"' in forms_group  # its code links there
    assert "2 evidence rows" in forms_group
    assert "LR+ 3.00 · LR− 0.78" in page  # the condition's fever row: 0.3 / 0.1, 0.7 / 0.9
    late = septic_form("late")
    index = inline_index(admin_client, septic, ConditionForm, late)
    data = page_data(admin_client, septic)
    data[f"forms-{index}-share"] = "0.5"

    refused = admin_client.post(change_url(septic), data)

    assert refused.status_code == 200
    assert "The shares of the forms add up to 1.1, not 1" in refused.content.decode()
    late.refresh_from_db()
    assert late.share == 0.4

    early = septic_form("early")
    data[f"forms-{1 - index}-share"] = "0.5"
    data[f"forms-{index}-note"] = data[f"forms-{1 - index}-note"] = "Registry 2020: half each."
    assert admin_client.post(change_url(septic), data).status_code == 302
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.share, late.share) == (0.5, 0.5)
    assert early.history.latest().history_change_reason == REASON


def test_a_share_of_1_5_in_the_admin_gets_the_clinical_message_not_an_error_page(
    admin_client, loaded_forms
):
    late = septic_form("late")
    data = page_data(admin_client, late)
    data["share"] = "1.5"

    response = admin_client.post(change_url(late), data)

    assert response.status_code == 200
    assert "The share of a form must be strictly between 0 and 1" in response.content.decode()


def test_a_specificity_of_0_in_the_admin_gets_the_clinical_message(admin_client, loaded_forms):
    row = Evidence.objects.get(condition__code="septic_arthritis", finding__code="fever")
    data = page_data(admin_client, row)
    data["specificity"] = "0"

    response = admin_client.post(change_url(row), data)

    assert response.status_code == 200
    assert "The specificity must be a probability strictly between 0 and 1" in (
        response.content.decode()
    )
    row.refresh_from_db()
    assert row.specificity == 0.9


def test_curators_may_open_add_and_change_forms_and_their_evidence(curator_client, loaded_forms):
    late = septic_form("late")
    for url in (
        change_url(late),
        change_url(late.evidence.first()),
        reverse("admin:conditions_conditionform_add"),
        reverse("admin:conditions_formevidence_changelist"),
        reverse("admin:conditions_conditionform_history", args=[late.pk]),
    ):
        assert curator_client.get(url).status_code == 200, url


# --- Spreadsheets ---


def test_evidence_spreadsheets_carry_the_specificity_both_ways(loaded_forms):
    exported = EvidenceResource().export()
    assert "specificity" in exported.headers
    (fever,) = [
        row
        for row in exported.dict
        if (row["condition"], row["finding"]) == ("septic_arthritis", "fever")
    ]
    assert float(fever["specificity"]) == 0.9

    dataset = tablib.Dataset(headers=exported.headers)
    dataset.append([{**fever, "specificity": "0.85"}[name] for name in exported.headers])
    result = EvidenceResource().import_data(dataset, dry_run=False)

    assert not result.problems, result.problems
    row = Evidence.objects.get(condition__code="septic_arthritis", finding__code="fever")
    assert row.specificity == 0.85


def test_forms_spreadsheet_round_trips_and_flags_a_share_changed_without_its_source(
    loaded_forms,
):
    exported = ConditionFormResource().export()
    assert exported.headers == [
        "condition",
        "code",
        "name",
        "description",
        "share",
        "reference",
        "expert_estimate",
        "note",
    ]
    dataset = tablib.Dataset(headers=exported.headers)
    for row in exported.dict:
        share = {"late": "0.45", "early": "0.55"}.get(row["code"], row["share"])
        dataset.append([{**row, "share": share}[name] for name in exported.headers])

    result = ConditionFormResource().import_data(dataset, dry_run=False)

    assert not result.problems, result.problems
    late = septic_form("late")
    assert late.share == 0.45
    assert late.source_needs_review
    assert not knowledge_base_pending_publication().problems


def test_form_evidence_spreadsheet_names_the_form_by_condition_and_code(loaded_forms):
    exported = FormEvidenceResource().export()
    assert exported.headers[:3] == ["condition", "form", "finding"]
    (row,) = [r for r in exported.dict if r["form"] == "late" and r["finding"] == "fever"]
    assert row["condition"] == "septic_arthritis"

    dataset = tablib.Dataset(headers=exported.headers)
    dataset.append([{**row, "probability": "0.3"}[name] for name in exported.headers])
    dataset.append([{**row, "form": "lately"}[name] for name in exported.headers])
    refused = FormEvidenceResource().import_data(dataset, dry_run=True)
    assert "Row 3, form: condition 'septic_arthritis' has no form with code 'lately'" in (
        " ".join(refused.problems)
    )

    del dataset[1]
    result = FormEvidenceResource().import_data(dataset, dry_run=False)
    assert not result.problems, result.problems
    assert septic_form("late").evidence.get(finding__code="fever").probability == 0.3


def test_loading_a_file_over_unpublished_form_edits_is_refused(forms_document, admin_client):
    knowledge_base_load_and_publish_first(document=forms_document, note="v1")
    late = septic_form("late")
    data = page_data(admin_client, late)
    data["description"] = "The type that starts long after an operation."
    admin_client.post(change_url(late), data)
    changed = copy.deepcopy(forms_document)
    (septic,) = [c for c in changed["conditions"] if c["code"] == "septic_arthritis"]
    septic["forms"][0]["description"] = "Another description."

    with pytest.raises(UnpublishedDraftEdits, match=r"conditions\[septic_arthritis\]"):
        knowledge_base_load_draft(document=changed, reason="A newer file.")


def test_the_draft_document_costs_the_same_queries_however_many_forms(
    loaded_forms, django_assert_num_queries
):
    knowledge_base_document()  # warm the caches
    with django_assert_num_queries(13) as few:
        knowledge_base_document()
    document = copy.deepcopy(loaded_forms)
    (septic,) = [c for c in document["conditions"] if c["code"] == "septic_arthritis"]
    document["conditions"] += [{**septic, "code": f"condition_{n}"} for n in range(10)]
    knowledge_base_load(document=document)

    with django_assert_num_queries(len(few.captured_queries)):
        knowledge_base_document()


def test_deleting_one_of_two_forms_is_refused_and_deleting_both_is_kept_with_the_reason(
    admin_client, loaded_forms
):
    septic = Condition.objects.get(code="septic_arthritis")
    data = page_data(admin_client, septic)
    data["forms-0-DELETE"] = "on"

    refused = admin_client.post(change_url(septic), data)

    assert refused.status_code == 200
    assert "A condition with forms needs at least two of them" in refused.content.decode()
    assert ConditionForm.objects.filter(condition=septic).count() == 2

    data["forms-1-DELETE"] = "on"
    assert admin_client.post(change_url(septic), data).status_code == 302
    assert not ConditionForm.objects.filter(condition=septic).exists()
    assert not FormEvidence.objects.exists()  # the forms' own evidence goes with them
    deleted = ConditionForm.history.filter(history_type="-")
    assert sorted(row.code for row in deleted) == ["early", "late"]
    assert {row.history_change_reason for row in deleted} == {REASON}
    cascaded = FormEvidence.history.filter(history_type="-")
    assert cascaded.count() == 2
    assert {row.history_change_reason for row in cascaded} == {REASON}
    septic_document = next(
        c for c in knowledge_base_document()["conditions"] if c["code"] == "septic_arthritis"
    )
    assert septic_document["forms"] == []
