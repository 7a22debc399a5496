"""manage.py seed_clinical_vignettes: seeds an EMPTY bench only."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bench.models import ClinicalVignette
from tests.bench.conftest import PROJECT_DIR, hip_cases
from tests.factories import ClinicalVignetteFactory

pytestmark = pytest.mark.django_db


def seed(*arguments: str) -> list[str]:
    out = StringIO()
    call_command("seed_clinical_vignettes", *arguments, stdout=out)
    return out.getvalue().splitlines()


def test_an_empty_bench_is_seeded_with_the_development_vignettes_by_default(
    published, development_cases
):
    lines = seed()

    assert lines == [
        f"Seeded the test bench from {PROJECT_DIR / 'vignettes' / 'development.json'}: "
        "41 clinical vignettes."
    ]
    seeded = ClinicalVignette.objects.get(code="dev-01")
    assert seeded.as_case() == development_cases[0]
    assert seeded.active
    assert seeded.history.get().history_change_reason == "seeded from development.json"


def test_a_bench_that_holds_vignettes_is_left_alone_in_one_line(published):
    ClinicalVignetteFactory(code="curated", narrative="A curator's own case.")

    lines = seed()

    assert len(lines) == 1
    assert lines[0].startswith("The test bench already holds 1 clinical vignette; ")
    assert "was not loaded" in lines[0]
    assert list(ClinicalVignette.objects.values_list("code", flat=True)) == ["curated"]


def test_seeding_twice_changes_nothing_the_second_time(published):
    seed()
    ClinicalVignette.objects.filter(code="dev-01").update(note="kept by a curator")

    (line,) = seed()

    assert "already holds 41 clinical vignettes" in line
    assert ClinicalVignette.objects.get(code="dev-01").note == "kept by a curator"


def test_a_case_the_published_knowledge_base_cannot_assess_is_skipped_and_named(
    published, tmp_path
):
    # hip-oa uses codes the seeded knowledge holds; hip-ra two findings of the hip document only.
    cases = hip_cases()[1:]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases))

    lines = seed(str(path))

    assert lines == [
        "Not loaded, hip-ra: answers: Finding “small_joints” is not in the published knowledge "
        "base (version 1).",
        "Not loaded, hip-ra: answers: Finding “morning_stiffness” is not in the published "
        "knowledge base (version 1).",
        f"Seeded the test bench from {path}: 1 clinical vignettes (1 not loaded, above).",
    ]
    assert list(ClinicalVignette.objects.values_list("code", flat=True)) == ["hip-oa"]


def test_a_missing_file_is_an_error():
    with pytest.raises(CommandError, match=r"No vignette file at /nowhere\.json"):
        seed("/nowhere.json")


def test_a_file_that_is_not_a_list_of_cases_is_an_error(tmp_path):
    path = tmp_path / "cases.json"
    path.write_text('{"id": "dev-01"}')

    with pytest.raises(CommandError, match="must hold a list of cases"):
        seed(str(path))


def test_make_database_seeds_the_bench_after_the_knowledge_base():
    recipe = Path(PROJECT_DIR / "Makefile").read_text().split("\ndatabase:")[1].split("\n\n")[0]

    assert recipe.splitlines()[1:] == [
        "\t$(BIN)/python manage.py migrate --noinput",
        "\t$(BIN)/python manage.py seed_knowledge_base knowledge/",
        "\t$(BIN)/python manage.py seed_clinical_vignettes vignettes/development.json",
    ]
