"""The seeded knowledge base on the public vignettes, and the evaluate_vignettes command."""

from __future__ import annotations

import json
import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from conditions.engine import knowledge_base_from_document
from conditions.evaluation import evaluate
from conditions.knowledge_file import read_knowledge_document

PROJECT_DIR = Path(__file__).resolve().parent.parent
PUBLIC_VIGNETTES = PROJECT_DIR.parent / "shared" / "vignettes" / "public.json"
REQUIRED_TOTALS = {
    "cases",
    "top1",
    "top3",
    "triage_exact",
    "under_triage",
    "over_triage",
    "emergency_missed",
    "triage_by_level",
}


def require_public_vignettes() -> None:
    # CI always has shared/ beside the checkout: there a missing file is a failure, not a skip.
    if not PUBLIC_VIGNETTES.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"The public vignettes are missing: {PUBLIC_VIGNETTES}")
        pytest.skip("shared/vignettes is not beside this checkout")


@pytest.fixture(autouse=True)
def public_vignettes_present():
    require_public_vignettes()


@pytest.fixture(scope="module")
def report():
    # Module-scoped, so it runs before the autouse check above: check here too.
    require_public_vignettes()
    document = read_knowledge_document(PROJECT_DIR / "knowledge")
    knowledge_base = knowledge_base_from_document(document, version=0)
    vignettes = json.loads(PUBLIC_VIGNETTES.read_text())
    return evaluate(knowledge_base, vignettes)


def test_no_emergency_is_missed(report):
    assert report.cases >= 24
    assert report.errors == 0
    assert report.emergency_missed == 0


def test_under_triage_stays_within_the_target(report):
    assert report.under_triage_rate <= 0.025


def test_the_expected_condition_is_in_the_top_three_of_almost_every_case(report):
    assert report.top3 >= 0.97


@pytest.mark.django_db
def test_the_command_ends_with_one_line_of_json_totals():
    output = StringIO()
    call_command(
        "evaluate_vignettes", str(PUBLIC_VIGNETTES), "--json", stdout=output, stderr=StringIO()
    )
    totals = json.loads(output.getvalue().strip().splitlines()[-1])
    assert set(totals) >= REQUIRED_TOTALS
    assert totals["emergency_missed"] == 0
    assert set(totals["triage_by_level"]) == {"emergency", "urgent", "soon", "routine", "self_care"}


@pytest.mark.django_db
def test_a_case_with_unknown_codes_is_reported_not_dropped(tmp_path):
    vignettes = json.loads(PUBLIC_VIGNETTES.read_text())[:1]
    vignettes[0]["answers"]["findings"]["not_a_finding"] = True
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(vignettes))
    output = StringIO()
    call_command("evaluate_vignettes", str(path), "--json", stdout=output, stderr=StringIO())
    text = output.getvalue()
    assert "ERROR" in text
    assert json.loads(text.strip().splitlines()[-1])["cases"] == 1


def test_a_missing_vignette_file_is_a_clear_command_error(tmp_path):
    with pytest.raises(CommandError, match="No vignette file"):
        call_command("evaluate_vignettes", str(tmp_path / "none.json"), "--knowledge", "knowledge")
