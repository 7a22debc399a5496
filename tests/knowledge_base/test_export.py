"""export_knowledge_base writes the drafts back in the file format, and the round trip is exact."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from conditions import knowledge_file
from conditions.models import AgeBand, Condition, Finding, RedFlagRule, Reference, ScoringPolicy
from conditions.selectors import knowledge_base_document
from conditions.services import knowledge_base_load, knowledge_base_publish
from tests.knowledge_base.conftest import KNOWLEDGE_DIR

pytestmark = pytest.mark.django_db


def export() -> str:
    out = StringIO()
    call_command("export_knowledge_base", stdout=out)
    return out.getvalue()


def delete_every_draft() -> None:
    RedFlagRule.objects.all().delete()
    Condition.objects.all().delete()
    Finding.objects.all().delete()
    AgeBand.objects.all().delete()
    ScoringPolicy.objects.all().delete()
    Reference.objects.all().delete()


def test_the_seeded_knowledge_base_round_trips_through_export_exactly():
    knowledge_base_load(document=knowledge_file.read_knowledge_document(KNOWLEDGE_DIR))
    published = knowledge_base_publish(published_by=None, note="from the files")
    exported = export()

    delete_every_draft()
    knowledge_base_load(document=yaml.safe_load(exported))

    assert export() == exported
    assert knowledge_base_document() == published.document
    assert knowledge_file.checksum(knowledge_base_document()) == published.checksum


def test_exporting_then_loading_the_export_changes_nothing(loaded):
    report = knowledge_base_load(document=yaml.safe_load(export()))

    assert not report.changed


def test_the_draft_document_is_already_in_canonical_form(loaded):
    document = knowledge_base_document()

    assert knowledge_file.canonical(document) == document
    assert list(document) == list(knowledge_file.TOP_LEVEL_KEYS)


def test_the_export_can_be_written_to_a_file(tmp_path, loaded):
    target = tmp_path / "knowledge.yaml"

    call_command("export_knowledge_base", "--output", str(target))

    assert knowledge_file.read_knowledge_document(target) == knowledge_base_document()


def test_the_draft_document_costs_the_same_queries_however_many_conditions(
    loaded, django_assert_num_queries
):
    with django_assert_num_queries(12):
        knowledge_base_document()
    loaded["conditions"] += [
        {**loaded["conditions"][0], "code": f"condition_{n}"} for n in range(10)
    ]
    knowledge_base_load(document=loaded)
    with django_assert_num_queries(12):
        knowledge_base_document()
