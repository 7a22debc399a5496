"""The knowledge/ directory in the repository loads, publishes and builds the engine snapshot."""

from __future__ import annotations

import re

import pytest

from conditions import knowledge_file
from conditions.models import Condition, Evidence, Finding, RedFlagRule, Reference
from conditions.published import published_knowledge_base
from conditions.services import knowledge_base_load, knowledge_base_publish
from tests.knowledge_base.conftest import KNOWLEDGE_DIR

ADULT_SUBJECT = re.compile(r"\b(have|do|are|did|were) you\b|\byour (hip|pain|joints|body)\b", re.I)


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


def test_every_question_a_child_is_asked_has_a_parents_wording():
    """Issue 16: a parent answering for a child reads "your child", never "you" (the places on
    the where-it-hurts page are names, the same for everyone)."""
    findings = knowledge_file.read_knowledge_document(KNOWLEDGE_DIR)["findings"]
    asked_of_children = [
        finding
        for finding in findings
        if (finding["min_age"] is None or finding["min_age"] < 16)
        and finding["section"] != "where_it_hurts"
    ]
    assert len(asked_of_children) >= 30
    for finding in asked_of_children:
        assert "your child" in finding["question_for_child"].lower(), finding["code"]
        # The parent is "you" ("If you did not measure it"); the person with the pain is not.
        assert not ADULT_SUBJECT.search(finding["question_for_child"]), finding["code"]


def test_every_statement_a_parent_may_read_about_a_child_is_worded_for_them():
    """Issue 16: the reasons on a child's result page speak about "your child" too."""
    findings = knowledge_file.read_knowledge_document(KNOWLEDGE_DIR)["findings"]
    asked_of_children = [f for f in findings if f["min_age"] is None or f["min_age"] < 16]
    assert len(asked_of_children) >= 40
    for finding in asked_of_children:
        for answer in ("yes", "no"):
            child = finding[f"statement_{answer}_for_child"]
            assert "your child" in child.lower(), (finding["code"], answer)
            assert not ADULT_SUBJECT.search(child), (finding["code"], answer, child)
