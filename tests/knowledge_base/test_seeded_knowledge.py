"""The knowledge/ directory in the repository loads, publishes and builds the engine snapshot."""

from __future__ import annotations

import pytest

from conditions import knowledge_file
from conditions.models import Condition, Evidence, Finding, RedFlagRule, Reference
from conditions.published import published_knowledge_base
from conditions.services import knowledge_base_load, knowledge_base_publish
from tests.knowledge_base.conftest import KNOWLEDGE_DIR


def test_the_seeded_knowledge_files_are_valid():
    knowledge = knowledge_file.read(KNOWLEDGE_DIR)

    assert knowledge_file.validate(knowledge.document, sources=knowledge.sources) == []


@pytest.mark.django_db
def test_the_seeded_knowledge_base_loads_and_publishes():
    report = knowledge_base_load(document=knowledge_file.read_knowledge_document(KNOWLEDGE_DIR))
    version = knowledge_base_publish(published_by=None, note="seeded")

    assert report.counts["conditions"].created == Condition.objects.count() >= 18
    assert Condition.objects.filter(is_other_causes=True).get().code == "other_causes"
    assert Finding.objects.count() >= 40
    assert Evidence.objects.exists()
    assert RedFlagRule.objects.exists()
    assert Reference.objects.exists()
    assert published_knowledge_base().version == version.number
