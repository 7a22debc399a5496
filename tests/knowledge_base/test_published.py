"""Patients only ever see a published version: editing a draft changes nothing until published."""

from __future__ import annotations

import pytest

from conditions.models import Condition, KnowledgeBaseVersion
from conditions.published import (
    NoPublishedKnowledgeBase,
    clear_published_cache,
    published_knowledge_base,
    published_knowledge_base_version,
)
from conditions.services import knowledge_base_publish

pytestmark = pytest.mark.django_db


def test_there_is_no_knowledge_base_before_the_first_publication(loaded):
    with pytest.raises(NoPublishedKnowledgeBase, match="No knowledge base has been published"):
        published_knowledge_base()


def test_an_edited_draft_does_not_reach_patients_until_it_is_published(loaded):
    knowledge_base_publish(published_by=None, note="first")
    Condition.objects.filter(code="septic_arthritis").update(name="Joint infection")

    before = published_knowledge_base()
    knowledge_base_publish(published_by=None, note="renamed")
    after = published_knowledge_base()

    assert before.condition("septic_arthritis").name == "Septic arthritis"
    assert (after.version, after.condition("septic_arthritis").name) == (2, "Joint infection")


def test_an_earlier_version_can_still_be_read(loaded):
    knowledge_base_publish(published_by=None, note="first")
    Condition.objects.filter(code="septic_arthritis").update(name="Joint infection")
    knowledge_base_publish(published_by=None, note="renamed")

    first = published_knowledge_base_version(1)

    assert first.condition("septic_arthritis").name == "Septic arthritis"
    with pytest.raises(NoPublishedKnowledgeBase):
        published_knowledge_base_version(3)


def test_the_snapshot_costs_one_query_once_cached(loaded, django_assert_num_queries):
    knowledge_base_publish(published_by=None, note="")
    clear_published_cache()
    with django_assert_num_queries(2):
        first = published_knowledge_base()
    with django_assert_num_queries(1):
        again = published_knowledge_base()

    assert again is first


def test_the_postgresql_database_stores_the_document_as_jsonb(loaded):
    from django.db import connection

    knowledge_base_publish(published_by=None, note="")

    assert connection.vendor == "postgresql"
    assert KnowledgeBaseVersion.objects.filter(document__format_version=1).count() == 1
    assert KnowledgeBaseVersion.objects.filter(document__has_key="red_flag_rules").exists()
    assert KnowledgeBaseVersion.objects.filter(
        document__conditions__contains=[{"code": "other_causes", "is_other_causes": True}]
    ).exists()


def test_the_latest_version_is_asked_for_once_per_interval_and_at_once_after_a_publish(
    loaded, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.KNOWLEDGE_BASE_RECHECK_SECONDS = 60
    knowledge_base_publish(published_by=None, note="first")
    clear_published_cache()
    published_knowledge_base()
    with django_assert_num_queries(0):
        assert published_knowledge_base().version == 1

    Condition.objects.filter(code="septic_arthritis").update(name="Joint infection")
    with django_capture_on_commit_callbacks(execute=True):
        knowledge_base_publish(published_by=None, note="renamed")

    after = published_knowledge_base()
    assert (after.version, after.condition("septic_arthritis").name) == (2, "Joint infection")
