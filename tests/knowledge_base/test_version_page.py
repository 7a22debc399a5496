"""A published version's page: a readable summary, its changes since the version before, and the
document as a JSON download (not a raw dump on the page)."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest
from django.test import Client
from django.urls import reverse

from conditions import knowledge_file
from tests.factories import (
    CuratorFactory,
    KnowledgeBaseVersionFactory,
    UserFactory,
    minimal_document,
)

pytestmark = pytest.mark.django_db

FEVER = "conditions[septic_arthritis].evidence[fever].probability"


def page_url(version) -> str:
    return reverse("admin:conditions_knowledgebaseversion_change", args=[version.pk])


def download_url(version) -> str:
    return reverse("admin:conditions_knowledgebaseversion_document", args=[version.pk])


@pytest.fixture
def two_versions():
    """Version 1, and version 2 with septic arthritis' fever figure raised by a curator."""
    first = KnowledgeBaseVersionFactory(number=1, note="Seeded from knowledge/.")
    document = copy.deepcopy(minimal_document())
    document["conditions"][0]["evidence"][0].update(probability=0.48, note="Brockbank 2005: 48%")
    curator = CuratorFactory(username="dr_jones")
    second = KnowledgeBaseVersionFactory(
        number=2,
        document=knowledge_file.canonical(document),
        note="Fever in septic arthritis from the Brockbank series.",
        published_by=UserFactory(username="reviewer_smith"),
        reviewed_changes=[
            {
                "location": FEVER,
                "edits": [
                    {
                        "editor": curator.username,
                        "editor_id": curator.pk,
                        "at": "2026-11-30T10:00:00+00:00",
                        "reason": "Brockbank 2005 reports 48 % with fever.",
                        "action": "~",
                    }
                ],
            }
        ],
    )
    return first, second


def test_the_page_summarises_the_version_instead_of_dumping_its_json(admin_client, two_versions):
    _, second = two_versions

    page = admin_client.get(page_url(second)).content.decode()

    assert "Version 2" in page
    assert "by reviewer_smith" in page
    assert "Fever in septic arthritis from the Brockbank series." in page
    assert (
        "2 conditions, 2 findings, 1 red-flag rules, 2 evidence figures, 0 condition forms, "
        "4 priors, 1 references" in page
    )
    assert second.checksum in page
    assert "format_version" not in page  # the document is a download, not printed


def test_the_page_lists_each_field_changed_since_the_version_before_with_who_and_why(
    admin_client, two_versions
):
    _, second = two_versions

    response = admin_client.get(page_url(second))

    page = response.content.decode()
    assert "What changed since version 1" in page
    changes = {listed.change.location: listed for listed in response.context["summary"].changes}
    assert set(changes) == {FEVER, FEVER.replace("probability", "note")}
    listed = changes[FEVER]
    assert (listed.change.old, listed.change.new) == (0.3, 0.48)
    assert listed.editors == ["dr_jones"]
    assert listed.reasons == ["Brockbank 2005 reports 48 % with fever."]
    assert f"<code>{FEVER}</code>" in page
    assert "Brockbank 2005: 48%" in page  # the figure's source beside it


def test_the_first_version_says_there_is_nothing_to_compare_with(admin_client):
    version = KnowledgeBaseVersionFactory(number=1)

    page = admin_client.get(page_url(version)).content.decode()

    assert "The first version" in page
    assert "Nothing was published before it" in page


def test_a_version_that_changes_nothing_says_so(admin_client):
    KnowledgeBaseVersionFactory(number=1)
    again = KnowledgeBaseVersionFactory(number=2, note="Republished")

    page = admin_client.get(page_url(again)).content.decode()

    assert "Nothing changed: the knowledge base is the same as version 1." in page


def test_the_document_downloads_as_json_whose_sha256_is_the_checksum(admin_client, two_versions):
    _, second = two_versions

    response = admin_client.get(download_url(second))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        'attachment; filename="knowledge-base-version-2.json"'
    )
    assert hashlib.sha256(response.content).hexdigest() == second.checksum
    assert json.loads(response.content) == second.document


def test_the_page_links_to_the_download(admin_client, two_versions):
    _, second = two_versions

    page = admin_client.get(page_url(second)).content.decode()

    assert f'href="{download_url(second)}"' in page


def test_a_reviewer_may_read_versions_and_staff_outside_the_groups_may_not(
    reviewer_client, two_versions
):
    _, second = two_versions
    outsider = Client()
    outsider.force_login(UserFactory())

    assert reviewer_client.get(page_url(second)).status_code == 200
    assert reviewer_client.get(download_url(second)).status_code == 200
    assert outsider.get(page_url(second)).status_code == 403
    assert outsider.get(download_url(second)).status_code == 403
    assert Client().get(download_url(second)).status_code == 302  # to the login page


def test_an_unknown_version_is_not_found(admin_client):
    assert admin_client.get(download_url(type("V", (), {"pk": 999})())).status_code == 404
    missing = reverse("admin:conditions_knowledgebaseversion_change", args=["nine"])
    assert admin_client.get(missing).status_code == 404


def test_a_changed_text_is_shown_in_full_with_the_new_words_marked(admin_client):
    KnowledgeBaseVersionFactory(number=1)
    document = copy.deepcopy(minimal_document())
    document["conditions"][0]["summary"] += " Go to hospital the same day."
    second = KnowledgeBaseVersionFactory(number=2, document=knowledge_file.canonical(document))

    page = admin_client.get(page_url(second)).content.decode()

    assert "A condition that can cause hip pain. <ins>Go to hospital the same day.</ins>" in page


def test_posting_to_a_version_page_changes_nothing(admin_client, two_versions):
    _, second = two_versions

    assert admin_client.post(page_url(second), {"note": "rewritten"}).status_code == 403
