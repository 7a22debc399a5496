"""Once the database holds a knowledge base it is the source of truth (issue 12).

Start-up (the Makefile's ``database`` target) loads knowledge/ only into an empty database. Loading
a file into a database that holds a knowledge base is an explicit command that makes a draft: it
never publishes by itself and never overwrites unpublished draft edits unless the curator says so.
"""

from __future__ import annotations

import shlex
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from conditions.models import Condition, Evidence, KnowledgeBaseVersion
from conditions.selectors import knowledge_base_document
from conditions.services import LOAD_ORDER
from tests.conftest import PROJECT_DIR
from tests.factories import (
    CuratorFactory,
    EvidenceFactory,
    KnowledgeBaseVersionFactory,
    ReviewerFactory,
)
from tests.knowledge_base.admin_forms import change_form_data, publish_in_admin

pytestmark = pytest.mark.django_db

MANAGE_PY = "$(BIN)/python manage.py "


def startup_commands() -> list[list[str]]:
    """The manage.py commands of the Makefile's ``database`` target (run by make run and serve)."""
    lines = (PROJECT_DIR / "Makefile").read_text(encoding="utf-8").splitlines()
    start = lines.index(next(line for line in lines if line.startswith("database:")))
    commands = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe = line.strip()
        assert recipe.startswith(MANAGE_PY), f"not a manage.py command: {recipe}"
        commands.append(shlex.split(recipe.removeprefix(MANAGE_PY)))
    assert any(name == "seed_knowledge_base" for name, *_ in commands), commands
    return commands


@pytest.fixture
def start_up(monkeypatch):
    """Run the start-up preparation as the Makefile does; returns what the seed printed."""
    monkeypatch.chdir(PROJECT_DIR)  # make runs in the project folder: knowledge/ is relative

    def run() -> str:
        printed = {}
        for name, *arguments in startup_commands():
            out = StringIO()
            call_command(name, *arguments, stdout=out, stderr=StringIO())
            printed[name] = out.getvalue()
        return printed["seed_knowledge_base"]

    return run


def state() -> dict:
    """Everything start-up could change: every draft row's values and the published versions."""
    return {
        "drafts": {
            model.__name__: list(model._default_manager.order_by("pk").values())
            for model in LOAD_ORDER
        },
        "history": sum(model.history.count() for model in LOAD_ORDER),
        "versions": list(KnowledgeBaseVersion.objects.values_list("number", "checksum")),
    }


def write_document(tmp_path, document) -> str:
    path = tmp_path / "knowledge.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return str(path)


def septic_fever() -> Evidence:
    return Evidence.objects.get(condition__code="septic_arthritis", finding__code="fever")


# --- Start-up ---


def test_start_up_seeds_an_empty_database_and_publishes_version_1(start_up, seeded_document):
    printed = start_up()

    version = KnowledgeBaseVersion.objects.get()
    assert version.number == 1
    assert version.published_by is None
    assert version.note == "seeded from knowledge/ into an empty database"
    assert version.document == seeded_document
    assert knowledge_base_document() == seeded_document
    assert "Seeded the empty database from knowledge/: published version 1." in printed


def test_a_curators_published_edit_survives_start_up_twice(start_up):
    """Issue 12: version 2 held a curator's reviewed figure; the next start-up reverted it."""
    start_up()  # the first start: knowledge/ seeds the empty database as version 1
    evidence = Evidence.objects.get(
        condition__code="rheumatoid_arthritis",
        finding__code="small_joints_hands_feet",
        population="all",
    )
    assert evidence.probability == 0.90  # as in knowledge/, which start-up must not reload
    # The curator edits the figure in the admin...
    curator, reviewer = Client(), Client()
    curator.force_login(CuratorFactory())
    url = reverse("admin:conditions_evidence_change", args=[evidence.pk])
    form = change_form_data(curator.get(url))
    form["probability"] = "0.85"
    form["note"] = "Revised after review of the 2010 criteria cohort."
    assert curator.post(url, form).status_code == 302
    # ...and a reviewer publishes it as version 2 in the admin.
    reviewer.force_login(ReviewerFactory())
    published = publish_in_admin(reviewer, "RA hands 0.85")
    assert published.status_code == 302
    assert KnowledgeBaseVersion.objects.latest().number == 2

    first, second = start_up(), start_up()

    evidence.refresh_from_db()
    assert evidence.probability == 0.85
    latest = KnowledgeBaseVersion.objects.latest()
    assert latest.number == 2
    assert KnowledgeBaseVersion.objects.count() == 2
    ra = next(c for c in latest.document["conditions"] if c["code"] == "rheumatoid_arthritis")
    hands = next(e for e in ra["evidence"] if e["finding"] == "small_joints_hands_feet")
    assert hands["probability"] == 0.85
    assert knowledge_base_document() == latest.document
    for printed in (first, second):
        assert printed.startswith("The database already holds the knowledge base (version 2, ")
        assert "knowledge/ was not loaded" in printed


def test_start_up_on_a_published_knowledge_base_prints_one_line_and_changes_nothing(start_up):
    KnowledgeBaseVersionFactory(number=1)
    KnowledgeBaseVersionFactory(number=2)
    EvidenceFactory(probability=0.42)
    before = state()

    printed = start_up()

    assert state() == before
    assert printed.count("\n") == 1
    assert printed.startswith(
        "The database already holds the knowledge base (version 2, published "
    )
    assert printed.rstrip("\n").endswith(
        "; knowledge/ was not loaded. To load a file as a draft: manage.py load_knowledge_base PATH"
    )


def test_start_up_leaves_an_unpublished_draft_alone(start_up):
    """A draft imported from CSV and not yet published is a knowledge base too."""
    EvidenceFactory(probability=0.42)
    before = state()

    printed = start_up()

    assert state() == before
    assert not KnowledgeBaseVersion.objects.exists()
    assert printed.count("\n") == 1
    assert printed.startswith(
        "The database already holds a draft knowledge base (not yet published"
    )


# --- Loading a file explicitly ---


def test_load_with_publish_is_refused_once_a_version_is_published(tmp_path, document):
    KnowledgeBaseVersionFactory(number=1)
    before = state()

    with pytest.raises(CommandError) as refused:
        call_command(
            "load_knowledge_base",
            write_document(tmp_path, document),
            "--publish",
            stdout=StringIO(),
        )

    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("--publish refused: version 1 is already published")
    assert "publishing goes through a reviewer in the admin" in message
    assert state() == before


# Loading into a database that holds a knowledge base says why (kept in every row's history).
REASON = ("--reason", "Test: the curated file reloaded")


@pytest.fixture
def published_then_edited(tmp_path, document):
    """The small file loaded and published as version 1, then a curator's unpublished edit."""
    path = write_document(tmp_path, document)
    call_command("load_knowledge_base", path, "--publish", stdout=StringIO())
    evidence = septic_fever()
    evidence.probability = 0.35  # as the admin saves it: the model's save, with history
    evidence.save()
    return path


def test_unpublished_draft_edits_are_not_overwritten_without_overwrite_draft(
    published_then_edited,
):
    before = state()

    with pytest.raises(CommandError) as refused:
        call_command("load_knowledge_base", published_then_edited, *REASON, stdout=StringIO())

    message = str(refused.value)
    assert (
        "The drafts hold edits not yet published since version 1 that the load would overwrite "
        "in 1 entry: conditions[septic_arthritis]"
    ) in message
    assert "  conditions[septic_arthritis].evidence[fever].probability: 0.35 → 0.3" in message
    assert "--overwrite-draft" in message
    assert state() == before
    assert septic_fever().probability == 0.35


def test_overwrite_draft_replaces_unpublished_edits_and_publishes_nothing(published_then_edited):
    out = StringIO()

    call_command(
        "load_knowledge_base", published_then_edited, "--overwrite-draft", *REASON, stdout=out
    )

    assert septic_fever().probability == 0.3
    assert KnowledgeBaseVersion.objects.count() == 1
    printed = out.getvalue()
    assert (
        "Unpublished draft edits were overwritten in 1 entry: conditions[septic_arthritis]"
        in printed
    )
    assert "The file matches published version 1." in printed
    assert "nothing was published" in printed


def test_a_dry_run_names_the_edits_it_would_overwrite_and_writes_nothing(published_then_edited):
    before, out = state(), StringIO()

    call_command("load_knowledge_base", published_then_edited, "--dry-run", stdout=out)

    assert state() == before
    assert "Unpublished draft edits would be overwritten in 1 entry" in out.getvalue()
    assert "Dry run: nothing was written." in out.getvalue()


def test_loading_the_exported_drafts_keeps_the_unpublished_edits(published_then_edited, tmp_path):
    exported = tmp_path / "curated.yaml"
    call_command("export_knowledge_base", "--output", str(exported))
    out = StringIO()

    call_command("load_knowledge_base", str(exported), *REASON, stdout=out)

    assert septic_fever().probability == 0.35
    assert KnowledgeBaseVersion.objects.count() == 1
    assert "conditions[septic_arthritis].evidence[fever].probability: 0.3 → 0.35" in (
        out.getvalue()
    )


def test_a_load_names_each_changed_field_against_the_published_version(tmp_path, document):
    call_command(
        "load_knowledge_base", write_document(tmp_path, document), "--publish", stdout=StringIO()
    )
    document["conditions"][0]["evidence"][0]["probability"] = 0.4
    document["conditions"][0]["name"] = "Joint infection"
    out = StringIO()

    call_command("load_knowledge_base", write_document(tmp_path, document), *REASON, stdout=out)

    printed = out.getvalue()
    assert "The file differs from published version 1 in 2 place(s):" in printed
    assert '  conditions[septic_arthritis].name: "Septic arthritis" → "Joint infection"' in printed
    assert "  conditions[septic_arthritis].evidence[fever].probability: 0.3 → 0.4" in printed
    assert "Loaded as a draft; nothing was published" in printed
    assert septic_fever().probability == 0.4
    assert KnowledgeBaseVersion.objects.count() == 1


def test_a_draft_never_published_is_not_overwritten_without_overwrite_draft(tmp_path, document):
    """The CSV-imported draft of issue 12: no version yet, so every draft entry is unpublished."""
    imported = EvidenceFactory(probability=0.42)
    before = state()

    with pytest.raises(CommandError, match=r"\(nothing is published yet\)") as refused:
        call_command(
            "load_knowledge_base", write_document(tmp_path, document), *REASON, stdout=StringIO()
        )

    assert f"conditions[{imported.condition.code}]" in str(refused.value)
    assert state() == before
    call_command(
        "load_knowledge_base",
        write_document(tmp_path, document),
        "--overwrite-draft",
        *REASON,
        stdout=StringIO(),
    )
    assert not Condition.objects.filter(code=imported.condition.code).exists()
    assert not KnowledgeBaseVersion.objects.exists()


def test_the_file_is_not_read_when_the_database_holds_a_knowledge_base(tmp_path):
    KnowledgeBaseVersionFactory(number=1)
    broken = tmp_path / "broken.yaml"
    broken.write_text("conditions: [", encoding="utf-8")
    out = StringIO()

    call_command("seed_knowledge_base", str(broken), stdout=out)

    assert f"{broken} was not loaded" in out.getvalue()
    assert KnowledgeBaseVersion.objects.count() == 1
    assert not Condition.objects.exists()
