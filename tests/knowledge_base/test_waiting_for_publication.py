"""The "Waiting for publication" page: every draft change since the latest published version,
field by field — entry, field, old → new, editor, when, reason and the figure's source."""

from __future__ import annotations

import copy

import pytest
from django.test import Client
from django.urls import reverse

from conditions.diffs import ChangeKind, field_changes
from conditions.models import Condition, Evidence
from conditions.selectors import knowledge_base_pending_publication
from conditions.services import document_differences, knowledge_base_publish
from tests.factories import CuratorFactory, UserFactory
from tests.knowledge_base.admin_forms import change_form_data

WAITING_URL = "admin:conditions_knowledgebaseversion_waiting"


# --- The field-level diff: pure functions over two documents ---


def test_a_changed_figure_is_one_change_with_old_new_and_its_source(document):
    after = copy.deepcopy(document)
    evidence = after["conditions"][0]["evidence"][0]
    evidence["probability"] = 0.35
    evidence["note"] = "Margaretten 2007"

    changes = field_changes(document, after)

    assert [(c.location, c.old, c.new) for c in changes] == [
        ("conditions[septic_arthritis].evidence[fever].probability", 0.3, 0.35),
        ("conditions[septic_arthritis].evidence[fever].note", "", "Margaretten 2007"),
    ]
    assert changes[0].source == {
        "reference": None,
        "expert_estimate": True,
        "note": "Margaretten 2007",
    }
    assert (changes[0].section, changes[0].entry, changes[0].field) == (
        "conditions",
        "septic_arthritis",
        "evidence[fever].probability",
    )


def test_entries_and_list_items_added_or_removed_are_named_once(document):
    after = copy.deepcopy(document)
    after["references"].append({"key": "smith-2020-hip", "citation": "Smith 2020."})
    after["conditions"][0]["evidence"].append(
        {"finding": "unable_to_bear_weight", "population": "child", "probability": 0.5}
    )
    after["red_flag_rules"] = []

    changes = {c.location: c.kind for c in field_changes(document, after)}

    assert changes == {
        "references[smith-2020-hip]": ChangeKind.ADDED,
        "red_flag_rules[fever_unable_to_bear_weight]": ChangeKind.REMOVED,
        "conditions[septic_arthritis].evidence[unable_to_bear_weight, child]": ChangeKind.ADDED,
    }


def test_the_scoring_section_and_nested_sources(document):
    after = copy.deepcopy(document)
    after["scoring"]["baseline_duration"]["le_2_weeks"] = 0.25
    after["findings"][0]["baseline"]["adult"] = 0.03

    changes = field_changes(document, after)

    assert [c.line() for c in changes] == [
        "scoring.baseline_duration.le_2_weeks: 0.3 → 0.25",
        "findings[fever].baseline.adult: 0.02 → 0.03",
    ]
    assert changes[1].source["reference"] == "fischer-1999-limping-child"


def test_the_loaders_lines_are_the_diffs_lines(document):
    after = copy.deepcopy(document)
    after["conditions"][0]["name"] = "Joint infection"
    after["red_flag_rules"][0]["requires_present"] = ["fever"]

    assert document_differences(document, after) == [
        'conditions[septic_arthritis].name: "Septic arthritis" → "Joint infection"',
        'red_flag_rules[fever_unable_to_bear_weight].requires_present: -"unable_to_bear_weight"',
    ]


def test_nothing_published_makes_every_entry_added(document):
    changes = field_changes(None, document)

    assert {c.kind for c in changes} == {ChangeKind.ADDED}
    assert "conditions[septic_arthritis]" in {c.location for c in changes}


# --- Who changed what: the drafts against the published version, with their history ---


def septic_fever() -> Evidence:
    return Evidence.objects.get(condition__code="septic_arthritis", finding__code="fever")


def edit(client: Client, url: str, reason: str, **values: str) -> None:
    form = change_form_data(client.get(url), reason=reason)
    form.update(values)
    assert client.post(url, form).status_code == 302


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def published(loaded):
    return knowledge_base_publish(published_by=None, note="version 1")


@pytest.mark.django_db
def test_each_field_names_the_curator_who_changed_it_and_why(published):
    alice, bob = CuratorFactory(username="alice"), CuratorFactory(username="bob")
    url = reverse("admin:conditions_evidence_change", args=[septic_fever().pk])
    edit(logged_in(alice), url, "Pooled estimate", probability="0.4")
    edit(logged_in(bob), url, "Cites the review", note="Margaretten 2007, table 2")

    pending = {p.change.location: p for p in knowledge_base_pending_publication().field_changes}

    probability = pending["conditions[septic_arthritis].evidence[fever].probability"]
    note = pending["conditions[septic_arthritis].evidence[fever].note"]
    assert (probability.editors, probability.reasons) == (("alice",), ("Pooled estimate",))
    assert (note.editors, note.reasons) == (("bob",), ("Cites the review",))
    assert probability.change.source["note"] == "Margaretten 2007, table 2"


@pytest.mark.django_db
def test_a_condition_field_is_not_blamed_on_an_evidence_edit(published):
    alice, bob = CuratorFactory(username="alice"), CuratorFactory(username="bob")
    condition = Condition.objects.get(code="septic_arthritis")
    edit(
        logged_in(alice),
        reverse("admin:conditions_condition_change", args=[condition.pk]),
        "Plainer name",
        name="Joint infection",
    )
    edit(
        logged_in(bob),
        reverse("admin:conditions_evidence_change", args=[septic_fever().pk]),
        "Pooled estimate",
        probability="0.4",
    )

    pending = {p.change.location: p for p in knowledge_base_pending_publication().field_changes}

    assert pending["conditions[septic_arthritis].name"].editors == ("alice",)
    assert pending["conditions[septic_arthritis].evidence[fever].probability"].editors == ("bob",)


@pytest.mark.django_db
def test_an_edit_undone_is_not_waiting(published):
    client = logged_in(CuratorFactory())
    url = reverse("admin:conditions_evidence_change", args=[septic_fever().pk])
    edit(client, url, "Try 0.4", probability="0.4")
    edit(client, url, "Back to 0.3", probability="0.3")

    assert knowledge_base_pending_publication().field_changes == []


@pytest.mark.django_db
def test_a_change_with_no_history_is_listed_with_no_editor(published):
    Condition.objects.filter(code="septic_arthritis").update(name="Joint infection")

    [pending] = knowledge_base_pending_publication().field_changes

    assert (pending.change.location, pending.editors) == ("conditions[septic_arthritis].name", ())


# --- The page ---


@pytest.mark.django_db
def test_the_waiting_page_lists_field_old_new_editor_reason_and_source(published):
    curator = CuratorFactory(username="alice")
    client = logged_in(curator)
    url = reverse("admin:conditions_evidence_change", args=[septic_fever().pk])
    edit(client, url, "Pooled estimate of three cohorts", probability="0.4")

    page = client.get(reverse(WAITING_URL))

    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    assert "Changes in the drafts since the published version 1" in text
    assert (
        '<th scope="row">conditions: septic_arthritis</th> '
        "<td><code>evidence[fever].probability</code></td> "
        "<td><code>0.3</code></td> <td><code>0.4</code></td> <td>alice</td>"
    ) in text
    assert "<p>Pooled estimate of three cohorts</p>" in text
    assert "<strong>expert estimate</strong>" in text
    assert "Review and publish" not in text  # a curator does not publish


@pytest.mark.django_db
def test_reviewers_see_it_with_the_way_to_publish(published, reviewer_client):
    Condition.objects.filter(code="septic_arthritis").update(name="Joint infection")

    page = reviewer_client.get(reverse(WAITING_URL))

    assert page.status_code == 200
    assert reverse("admin:conditions_knowledgebaseversion_publish") in page.content.decode()


@pytest.mark.django_db
def test_nothing_waiting_says_so(published, curator_client):
    page = curator_client.get(reverse(WAITING_URL))

    assert "Nothing is waiting: the drafts are the same as the published version." in (
        page.content.decode()
    )


@pytest.mark.django_db
def test_the_admin_home_and_the_version_list_link_to_it(reviewer_client, curator):
    waiting = reverse(WAITING_URL)

    assert waiting in reviewer_client.get(reverse("admin:index")).content.decode()
    versions = reverse("admin:conditions_knowledgebaseversion_changelist")
    assert waiting in reviewer_client.get(versions).content.decode()
    assert waiting in logged_in(curator).get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
def test_staff_outside_the_roles_cannot_see_it():
    page = logged_in(UserFactory()).get(reverse(WAITING_URL))

    assert page.status_code == 403
    assert "Only curators and reviewers can see the changes waiting for publication" in (
        page.content.decode()
    )
