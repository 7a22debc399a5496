"""Four eyes: a reviewer never publishes their own edits; a second reviewer does. Nothing is
published twice, nor what changed after the publisher read it (issue 12)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from conditions.models import Evidence, KnowledgeBaseVersion
from conditions.services import (
    DraftsChangedSinceReview,
    NothingToPublish,
    OwnEditsNotReviewed,
    knowledge_base_publish,
    knowledge_base_publish_if_changed,
)
from tests.factories import ReviewerFactory
from tests.knowledge_base.admin_forms import (
    PUBLISH_URL,
    change_form_data,
    publish_form_data,
    publish_in_admin,
)

pytestmark = pytest.mark.django_db


def septic_fever() -> Evidence:
    return Evidence.objects.get(condition__code="septic_arthritis", finding__code="fever")


def edit_in_admin(client, probability: str, reason: str = "Re-estimated from the 2007 review"):
    url = reverse("admin:conditions_evidence_change", args=[septic_fever().pk])
    form = change_form_data(client.get(url), reason=reason)
    form["probability"] = probability
    assert client.post(url, form).status_code == 302


@pytest.fixture
def published(loaded):
    return knowledge_base_publish(published_by=None, note="version 1")


@pytest.fixture
def curator_client(curator):
    # Its own client: the shared ``client`` fixture would log the curator and the reviewer into
    # one session.
    client = Client()
    client.force_login(curator)
    return client


def test_a_reviewer_cannot_publish_their_own_edit(reviewer_client, reviewer, published):
    edit_in_admin(reviewer_client, "0.4")

    with pytest.raises(OwnEditsNotReviewed) as refused:
        knowledge_base_publish(published_by=reviewer, note="my own change")

    message = str(refused.value)
    assert message.startswith(f"{reviewer.username}, these drafts hold your own edits")
    assert "conditions[septic_arthritis].evidence[fever].probability" in message
    assert "another reviewer must publish" in message
    assert KnowledgeBaseVersion.objects.count() == 1


def test_the_publish_page_names_the_reviewers_own_edits_and_offers_no_form(
    reviewer_client, reviewer, published
):
    edit_in_admin(reviewer_client, "0.4")

    page = reviewer_client.get(reverse(PUBLISH_URL))

    text = page.content.decode()
    assert f"These drafts hold your own edits, {reviewer.username}" in text
    assert "another member of the Reviewers group must publish this version" in text
    assert 'value="Publish version 2"' not in text


def test_posting_anyway_is_refused_by_the_service(reviewer_client, reviewer, published):
    edit_in_admin(reviewer_client, "0.4")
    page = reviewer_client.get(reverse(PUBLISH_URL))

    response = reviewer_client.post(
        reverse(PUBLISH_URL), publish_form_data(page, note="my own change")
    )

    assert response.status_code == 200
    assert f"{reviewer.username}, these drafts hold your own edits" in response.content.decode()
    assert KnowledgeBaseVersion.objects.count() == 1


def test_a_second_reviewer_publishes_and_the_version_records_what_they_reviewed(
    reviewer_client, reviewer, published
):
    edit_in_admin(reviewer_client, "0.4", reason="Pooled estimate of three cohorts")
    second = ReviewerFactory()
    client = Client()
    client.force_login(second)

    response = publish_in_admin(client, "Septic arthritis: fever 0.4")

    assert response.status_code == 302
    version = KnowledgeBaseVersion.objects.latest()
    assert (version.number, version.published_by) == (2, second)
    [reviewed] = version.reviewed_changes
    assert reviewed["location"] == "conditions[septic_arthritis].evidence[fever].probability"
    assert (reviewed["old"], reviewed["new"]) == (0.3, 0.4)
    assert [(edit["editor"], edit["reason"]) for edit in reviewed["edits"]] == [
        (reviewer.username, "Pooled estimate of three cohorts")
    ]


def test_a_reviewer_publishes_a_curators_edit(curator_client, reviewer, published):
    edit_in_admin(curator_client, "0.4")

    version = knowledge_base_publish(published_by=reviewer, note="reviewed")

    assert version.number == 2


def test_an_edit_the_reviewer_undid_is_not_theirs_to_review(reviewer_client, reviewer, published):
    edit_in_admin(reviewer_client, "0.4")
    edit_in_admin(reviewer_client, "0.3", reason="Back to the published figure")
    septic = Evidence.objects.get(pk=septic_fever().pk)
    septic.condition.name = "Joint infection"
    septic.condition.save()  # someone else's change, with no user

    version = knowledge_base_publish(published_by=reviewer, note="the rename only")

    assert version.number == 2


def test_publishing_an_unchanged_draft_is_refused(reviewer, published):
    with pytest.raises(
        NothingToPublish, match="the drafts are the same as the published version 1"
    ):
        knowledge_base_publish(published_by=reviewer, note="again")

    assert KnowledgeBaseVersion.objects.count() == 1


def test_publish_if_changed_still_skips_an_unchanged_draft_and_checks_four_eyes(
    reviewer_client, reviewer, published
):
    assert knowledge_base_publish_if_changed(published_by=reviewer, note="") is None

    edit_in_admin(reviewer_client, "0.4")

    with pytest.raises(OwnEditsNotReviewed):
        knowledge_base_publish_if_changed(published_by=reviewer, note="")


def test_the_publish_page_says_there_is_nothing_to_publish(reviewer_client, published):
    page = reviewer_client.get(reverse(PUBLISH_URL))
    refused = reviewer_client.post(reverse(PUBLISH_URL), publish_form_data(page, note="again"))

    assert "Nothing to publish: the drafts are the same as the published version 1" in (
        page.content.decode()
    )
    assert 'value="Publish version 2"' not in page.content.decode()
    assert refused.status_code == 200
    assert KnowledgeBaseVersion.objects.count() == 1


def test_drafts_changed_after_the_page_was_read_are_not_published(
    curator_client, reviewer_client, published
):
    edit_in_admin(curator_client, "0.4")
    page = reviewer_client.get(reverse(PUBLISH_URL))
    edit_in_admin(curator_client, "0.6", reason="Typo: 0.6, not 0.4")

    response = reviewer_client.post(reverse(PUBLISH_URL), publish_form_data(page, note="0.4"))

    assert "The drafts changed while you were reviewing them" in response.content.decode()
    assert KnowledgeBaseVersion.objects.count() == 1
    with pytest.raises(DraftsChangedSinceReview):
        knowledge_base_publish(
            published_by=None,
            note="",
            reviewed_checksum=page.context["form"]["reviewed_checksum"].initial,
        )


def test_a_note_is_required(curator_client, reviewer_client, published):
    edit_in_admin(curator_client, "0.4")
    page = reviewer_client.get(reverse(PUBLISH_URL))

    response = reviewer_client.post(reverse(PUBLISH_URL), publish_form_data(page, note=""))

    assert "Enter a note saying what changed and why" in response.content.decode()
    assert KnowledgeBaseVersion.objects.count() == 1


def test_the_command_names_a_reviewer_once_a_version_is_published(
    curator_client, reviewer_client, reviewer, curator, published
):
    edit_in_admin(curator_client, "0.4")

    with pytest.raises(CommandError, match="--user is required"):
        call_command("publish_knowledge_base", "--note", "x", stdout=StringIO())
    with pytest.raises(CommandError, match="is not a reviewer"):
        call_command(
            "publish_knowledge_base", "--note", "x", "--user", curator.username, stdout=StringIO()
        )
    edit_in_admin(reviewer_client, "0.45")
    with pytest.raises(CommandError, match="these drafts hold your own edits"):
        call_command(
            "publish_knowledge_base", "--note", "x", "--user", reviewer.username, stdout=StringIO()
        )
    assert KnowledgeBaseVersion.objects.count() == 1


def test_the_seed_still_publishes_version_1_with_no_publisher(tmp_path, document):
    import yaml

    path = tmp_path / "knowledge.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")

    call_command("seed_knowledge_base", str(path), stdout=StringIO())

    version = KnowledgeBaseVersion.objects.get()
    assert (version.number, version.published_by) == (1, None)


@pytest.mark.parametrize(
    ("field", "value", "note_field", "place"),
    [
        # The result page's thresholds (issue 14) and the interview's stop rule (issue 16) sit
        # nested in the scoring policy of the document: an edit must be credited to its editor
        # there too.
        (
            "fits_probability",
            "0.12",
            "result_thresholds_note",
            "result_thresholds.fits_probability",
        ),
        ("interview_max_questions", "20", "interview_note", "interview.max_questions"),
    ],
)
def test_a_reviewer_cannot_publish_their_own_change_to_the_scoring_policy(
    reviewer_client, reviewer, published, field, value, note_field, place
):
    from conditions.models import ScoringPolicy

    url = reverse("admin:conditions_scoringpolicy_change", args=[ScoringPolicy.objects.get().pk])
    form = change_form_data(reviewer_client.get(url), reason=f"Test: {field} to {value}")
    form[field] = value
    form[note_field] = "Test: changed after review of the bench"
    assert reviewer_client.post(url, form).status_code == 302

    with pytest.raises(OwnEditsNotReviewed) as refused:
        knowledge_base_publish(published_by=reviewer, note="my own change")

    assert f"scoring.{place}" in str(refused.value)
    assert KnowledgeBaseVersion.objects.count() == 1


def test_the_admin_refuses_an_interview_that_could_never_stop(reviewer_client, published):
    from conditions.models import ScoringPolicy

    policy = ScoringPolicy.objects.get()
    url = reverse("admin:conditions_scoringpolicy_change", args=[policy.pk])
    form = change_form_data(reviewer_client.get(url), reason="Test: impossible")
    form["interview_min_questions"] = "30"
    form["interview_max_questions"] = "20"
    response = reviewer_client.post(url, form)

    assert response.status_code == 200
    assert "must not exceed" in response.content.decode()
    policy.refresh_from_db()
    assert policy.interview_max_questions == 23
