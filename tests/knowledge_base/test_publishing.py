"""Publishing: reviewers turn the drafts into an immutable, numbered version; curators cannot."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse

from conditions import knowledge_file
from conditions.knowledge_file import KnowledgeFileError
from conditions.models import (
    Condition,
    Evidence,
    KnowledgeBaseVersion,
    KnowledgeBaseVersionImmutable,
    ScoringPolicy,
)
from conditions.selectors import knowledge_base_document
from conditions.services import knowledge_base_publish, knowledge_base_publish_if_changed
from tests.factories import KnowledgeBaseVersionFactory

pytestmark = pytest.mark.django_db

PUBLISH_URL = "admin:conditions_knowledgebaseversion_publish"


def test_publishing_stores_the_draft_document_with_its_checksum(loaded, reviewer):
    version = knowledge_base_publish(published_by=reviewer, note="first release")

    assert version.number == 1
    assert version.published_by == reviewer
    assert version.document == knowledge_base_document()
    assert version.checksum == knowledge_file.checksum(version.document)


def test_each_publication_takes_the_next_number(loaded):
    numbers = []
    for name in ("Septic arthritis", "Joint infection", "Infected joint"):
        Condition.objects.filter(code="septic_arthritis").update(name=name)
        numbers.append(knowledge_base_publish(published_by=None, note="").number)

    assert numbers == [1, 2, 3]


def test_publishing_if_changed_skips_identical_drafts(loaded):
    assert knowledge_base_publish_if_changed(published_by=None, note="").number == 1
    assert knowledge_base_publish_if_changed(published_by=None, note="") is None

    Condition.objects.filter(code="septic_arthritis").update(name="Joint infection")

    assert knowledge_base_publish_if_changed(published_by=None, note="").number == 2


def test_incomplete_drafts_cannot_be_published(loaded):
    ScoringPolicy.objects.all().delete()

    with pytest.raises(KnowledgeFileError, match="scoring: missing"):
        knowledge_base_publish(published_by=None, note="")
    assert not KnowledgeBaseVersion.objects.exists()


def test_a_published_version_cannot_be_changed_or_deleted():
    version = KnowledgeBaseVersionFactory()

    version.note = "rewritten"
    with pytest.raises(KnowledgeBaseVersionImmutable):
        version.save()
    with pytest.raises(KnowledgeBaseVersionImmutable):
        version.delete()


def test_the_database_refuses_to_change_or_delete_a_published_version():
    version = KnowledgeBaseVersionFactory()

    with pytest.raises(IntegrityError, match="cannot be changed or deleted"), transaction.atomic():
        KnowledgeBaseVersion.objects.filter(pk=version.pk).update(note="rewritten")
    with pytest.raises(IntegrityError, match="cannot be changed or deleted"), transaction.atomic():
        KnowledgeBaseVersion.objects.filter(pk=version.pk).delete()


def test_the_groups_hold_the_permissions_of_their_role():
    curators = set(
        Group.objects.get(name="Curators").permissions.values_list("codename", flat=True)
    )
    reviewers = set(
        Group.objects.get(name="Reviewers").permissions.values_list("codename", flat=True)
    )

    assert {"change_evidence", "add_condition", "delete_redflagcriterion"} <= curators
    assert not {"publish_knowledgebaseversion", "view_knowledgebaseversion"} & curators
    assert reviewers == curators | {"publish_knowledgebaseversion", "view_knowledgebaseversion"}


def test_a_curator_can_edit_a_condition(curator_client, loaded):
    from tests.knowledge_base.admin_forms import change_form_data

    condition = Condition.objects.get(code="septic_arthritis")
    url = reverse("admin:conditions_condition_change", args=[condition.pk])
    form = change_form_data(curator_client.get(url))
    form["name"] = "Joint infection (septic arthritis)"

    response = curator_client.post(url, form)

    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.name == "Joint infection (septic arthritis)"


def test_a_curator_cannot_publish(curator_client, loaded):
    assert curator_client.get(reverse(PUBLISH_URL)).status_code == 403
    assert curator_client.post(reverse(PUBLISH_URL), {"note": "sneaky"}).status_code == 403
    assert not KnowledgeBaseVersion.objects.exists()


def test_a_reviewer_sees_what_changed_since_the_last_version(reviewer_client, loaded):
    knowledge_base_publish(published_by=None, note="")
    Evidence.objects.filter(condition__code="septic_arthritis").update(probability=0.5)

    page = reviewer_client.get(reverse(PUBLISH_URL))

    assert page.status_code == 200
    changes = {section.section: section for section in page.context["pending"].changes}
    assert changes["conditions"].changed == ("septic_arthritis",)
    assert "Publish version 2" in page.content.decode()


def test_a_reviewer_publishes_and_the_version_number_increments(reviewer_client, reviewer, loaded):
    from tests.knowledge_base.admin_forms import publish_in_admin

    first = publish_in_admin(reviewer_client, "first", follow=True)
    Condition.objects.filter(code="septic_arthritis").update(name="Joint infection")
    second = publish_in_admin(reviewer_client, "renamed", follow=True)

    assert "Published version 1" in first.content.decode()
    assert "Published version 2" in second.content.decode()
    latest = KnowledgeBaseVersion.objects.latest()
    assert (latest.number, latest.published_by, latest.note) == (2, reviewer, "renamed")


def test_the_publish_page_lists_problems_instead_of_publishing(reviewer_client, loaded):
    ScoringPolicy.objects.all().delete()

    page = reviewer_client.get(reverse(PUBLISH_URL))
    refused = reviewer_client.post(reverse(PUBLISH_URL), {"note": "broken"})

    assert "scoring: missing" in page.content.decode()
    assert refused.status_code == 200
    assert not KnowledgeBaseVersion.objects.exists()


def test_the_version_list_offers_publishing_to_reviewers_only(reviewer_client, loaded):
    page = reviewer_client.get(reverse("admin:conditions_knowledgebaseversion_changelist"))

    assert page.status_code == 200
    assert reverse(PUBLISH_URL) in page.content.decode()
    assert "Add knowledge base version" not in page.content.decode()


def test_a_version_is_read_only_in_the_admin(admin_client):
    version = KnowledgeBaseVersionFactory()
    url = reverse("admin:conditions_knowledgebaseversion_change", args=[version.pk])

    page = admin_client.get(url)
    attempt = admin_client.post(url, {"note": "rewritten"})

    assert page.status_code == 200
    assert attempt.status_code == 403
    delete = reverse("admin:conditions_knowledgebaseversion_delete", args=[version.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert KnowledgeBaseVersion.objects.get().note == version.note


def test_the_publish_command_records_the_user_and_skips_unchanged_drafts(loaded, reviewer):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command(
        "publish_knowledge_base", "--note", "release", "--user", reviewer.username, stdout=out
    )
    call_command(
        "publish_knowledge_base",
        *("--note", "again", "--if-changed", "--user", reviewer.username),
        stdout=out,
    )

    assert "Published version 1" in out.getvalue()
    assert "nothing to publish" in out.getvalue()
    assert KnowledgeBaseVersion.objects.get().published_by == reviewer
    with pytest.raises(CommandError, match="No user named"):
        call_command("publish_knowledge_base", "--note", "x", "--user", "nobody")
