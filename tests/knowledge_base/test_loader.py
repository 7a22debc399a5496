"""load_knowledge_base makes the drafts equal to the file, and loading again changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.apps import apps
from django.core.management import CommandError, call_command

from conditions.knowledge_file import KnowledgeFileError
from conditions.models import (
    Condition,
    ConditionPrior,
    Evidence,
    Finding,
    KnowledgeBaseVersion,
    RedFlagCriterion,
    RedFlagRule,
    Reference,
)
from conditions.services import LOAD_ORDER, knowledge_base_load

pytestmark = pytest.mark.django_db


def history_rows() -> int:
    total = sum(model.history.count() for model in LOAD_ORDER)
    reference_links = apps.get_model("conditions", "HistoricalCondition_references")
    return total + reference_links.objects.count()


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in LOAD_ORDER}


def test_loading_creates_every_row_of_the_file(document):
    report = knowledge_base_load(document=document)

    assert report.counts["conditions"].created == 2
    assert report.counts["evidence"].created == 2
    assert report.counts["condition priors"].created == 4
    assert Evidence.objects.get(condition__code="septic_arthritis").probability == 0.3
    assert RedFlagRule.objects.get().criteria.count() == 2
    assert Finding.objects.get(code="fever").baseline_reference.key == "fischer-1999-limping-child"


def test_loading_the_same_file_twice_changes_nothing(loaded):
    counts, history = row_counts(), history_rows()

    report = knowledge_base_load(document=loaded)

    assert not report.changed
    assert all(c.created == c.updated == c.deleted == 0 for c in report.counts.values())
    assert row_counts() == counts
    assert history_rows() == history


def test_a_changed_figure_updates_only_its_row(loaded):
    loaded["conditions"][0]["evidence"][0]["probability"] = 0.4
    history = history_rows()

    report = knowledge_base_load(document=loaded)

    assert report.counts["evidence"].updated == 1
    assert report.counts["conditions"].updated == 0
    assert history_rows() == history + 1
    assert Evidence.objects.get(condition__code="septic_arthritis").probability == 0.4


def test_evidence_removed_from_the_file_is_deleted(loaded):
    loaded["conditions"][0]["evidence"] = []

    report = knowledge_base_load(document=loaded)

    assert report.counts["evidence"].deleted == 1
    assert not Evidence.objects.filter(condition__code="septic_arthritis").exists()


def test_a_finding_removed_from_the_file_is_deleted_with_its_uses(loaded):
    loaded["findings"] = [f for f in loaded["findings"] if f["code"] != "unable_to_bear_weight"]
    loaded["red_flag_rules"][0]["requires_present"] = ["fever"]

    knowledge_base_load(document=loaded)

    assert not Finding.objects.filter(code="unable_to_bear_weight").exists()
    assert RedFlagCriterion.objects.count() == 1


def test_condition_references_are_linked_and_unlinked(loaded):
    loaded["conditions"][0]["references"] = ["fischer-1999-limping-child"]
    knowledge_base_load(document=loaded)
    condition = Condition.objects.get(code="septic_arthritis")
    assert list(condition.references.values_list("key", flat=True)) == [
        "fischer-1999-limping-child"
    ]

    loaded["conditions"][0]["references"] = []
    report = knowledge_base_load(document=loaded)

    assert report.counts["condition references"].deleted == 1
    assert not condition.references.exists()


def test_a_dry_run_writes_nothing(document):
    report = knowledge_base_load(document=document, dry_run=True)

    assert report.counts["conditions"].created == 2
    assert not Condition.objects.exists()
    assert not Reference.objects.exists()


def test_an_invalid_file_is_refused_with_every_problem_located(document):
    document["conditions"][0]["evidence"][0]["probability"] = 1.2
    document["conditions"][0]["priors"][0]["probability"] = -0.5

    with pytest.raises(KnowledgeFileError) as refused:
        knowledge_base_load(document=document)

    assert refused.value.errors == [
        "conditions[septic_arthritis].priors[0-15].probability: -0.5 is not between 0 and 1",
        "conditions[septic_arthritis].evidence[fever].probability: "
        "1.2 is not strictly between 0 and 1",
    ]
    assert not Condition.objects.exists()


def write_knowledge_dir(tmp_path, document):
    """Split the document over two files, as the knowledge/ directory does."""
    conditions = {"conditions": document.pop("conditions")}
    (tmp_path / "a-base.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    (tmp_path / "b-conditions.yaml").write_text(yaml.safe_dump(conditions), encoding="utf-8")
    return tmp_path


def test_the_command_loads_a_directory_and_publishes_it_only_while_nothing_is_published(
    tmp_path, document
):
    directory = write_knowledge_dir(tmp_path, document)

    out = StringIO()
    call_command("load_knowledge_base", str(directory), "--publish", stdout=out)
    # After the first version, publishing goes through a reviewer (test_source_of_truth.py).
    with pytest.raises(CommandError, match="--publish refused: version 1 is already published"):
        call_command("load_knowledge_base", str(directory), "--publish", stdout=StringIO())

    assert "Published version 1" in out.getvalue()
    version = KnowledgeBaseVersion.objects.get()
    assert version.published_by is None
    assert version.note == f"loaded from {directory}"


def test_the_command_names_the_file_of_each_problem(tmp_path, document):
    document["conditions"][0]["evidence"][0]["probability"] = 1.2
    directory = write_knowledge_dir(tmp_path, document)

    with pytest.raises(CommandError, match=r"b-conditions.yaml: conditions\[septic_arthritis\]"):
        call_command("load_knowledge_base", str(directory), stdout=StringIO())


def test_the_command_fails_on_a_missing_path(tmp_path):
    with pytest.raises(CommandError, match="no such file or directory"):
        call_command("load_knowledge_base", str(tmp_path / "missing"), stdout=StringIO())


def test_the_command_dry_run_reports_without_writing(tmp_path, document):
    directory = write_knowledge_dir(tmp_path, document)
    out = StringIO()

    call_command("load_knowledge_base", str(directory), "--dry-run", stdout=out)

    assert "conditions: 2 created" in out.getvalue()
    assert not ConditionPrior.objects.exists()
