"""``evaluate_vignettes --unsure``: the development vignettes with answers made "not sure"."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.conftest import PROJECT_DIR

DEVELOPMENT_VIGNETTES = PROJECT_DIR / "vignettes" / "development.json"


def test_unsure_alone_makes_each_answered_finding_not_sure_and_ends_with_both_totals():
    vignettes = json.loads(DEVELOPMENT_VIGNETTES.read_text(encoding="utf-8"))
    answered = sum(
        sum(answer is not None for answer in vignette["answers"].get("findings", {}).values())
        for vignette in vignettes
    )
    output = StringIO()
    call_command(
        "evaluate_vignettes",
        str(DEVELOPMENT_VIGNETTES),
        "--knowledge",
        str(PROJECT_DIR / "knowledge"),
        "--unsure",
        "--json",
        stdout=output,
        stderr=StringIO(),
    )
    text = output.getvalue()
    assert "Robustness: up to 1 answered finding(s) changed to 'not sure'" in text
    assert "Findings whose 'not sure' causes under-triage, most first" in text
    totals = json.loads(text.strip().splitlines()[-1])
    assert totals["cases"] == len(vignettes)  # the unperturbed totals are kept
    assert {"emergency_missed", "under_triage", "over_triage"} <= set(totals)
    unsure = totals["unsure"]
    assert unsure["max_unsure"] == 1
    assert unsure["skipped"] == []
    assert unsure["cases"] == answered  # one case per answered finding
    for name in ("emergency_missed", "under_triage", "over_triage"):
        assert isinstance(unsure[name], int)
    assert unsure["under_triage_rate"] == pytest.approx(unsure["under_triage"] / answered)
    assert unsure["over_triage_rate"] == pytest.approx(unsure["over_triage"] / answered)
    assert unsure["under_triage_caused"] <= unsure["under_triage"]
    assert sum(unsure["under_triage_by_finding"].values()) >= unsure["under_triage"]
