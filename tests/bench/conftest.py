"""Fixtures for the test bench: small hand-made cases and knowledge documents, the development
vignettes, and admin users in their roles."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.conftest import PROJECT_DIR
from tests.engine import kb_documents as kb
from tests.factories import ClinicalVignetteFactory

DEVELOPMENT_VIGNETTES = PROJECT_DIR / "vignettes" / "development.json"


def late_fever_case() -> dict[str, Any]:
    """Fever and cannot stand, but months of groin pain: only the red-flag rule makes it an
    emergency in the hip document (septic arthritis scores too low to set the level)."""
    return {
        "id": "hip-fever",
        "source": "hand-made",
        "narrative": "A 70-year-old woman with months of groin pain now has a fever and cannot "
        "stand on the leg.",
        "answers": {
            "age": 70,
            "sex": "female",
            "duration_weeks": 30,
            "findings": {"fever": True, "unable_to_bear_weight": True, "pain_groin": True},
        },
        "expected_top": "osteoarthritis",
        "acceptable": [],
        "expected_triage": "emergency",
    }


def hip_cases() -> list[dict[str, Any]]:
    """Three cases the hip document gets right: the emergency only its red-flag rule catches,
    osteoarthritis and rheumatoid arthritis."""
    return [
        late_fever_case(),
        {
            "id": "hip-oa",
            "source": "hand-made",
            "narrative": "A 65-year-old woman has had groin pain for months.",
            "answers": {
                "age": 65,
                "sex": "female",
                "duration_weeks": 30,
                "findings": {"pain_groin": True, "fever": False},
            },
            "expected_top": "osteoarthritis",
            "acceptable": [],
            "expected_triage": "routine",
        },
        {
            "id": "hip-ra",
            "source": "hand-made",
            "narrative": "A 40-year-old woman has stiff, swollen small joints of the hands.",
            "answers": {
                "age": 40,
                "sex": "female",
                "duration_weeks": 10,
                "findings": {"small_joints": True, "morning_stiffness": True, "fever": False},
            },
            "expected_top": "rheumatoid_arthritis",
            "acceptable": [],
            "expected_triage": "soon",
        },
    ]


def without_rule(document: dict[str, Any], code: str) -> dict[str, Any]:
    """A copy of ``document`` with the red-flag rule ``code`` removed."""
    changed = copy.deepcopy(document)
    changed["red_flag_rules"] = [r for r in changed["red_flag_rules"] if r["code"] != code]
    return changed


def without_emergency_rules(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` without any red-flag rule at the emergency level."""
    changed = copy.deepcopy(document)
    changed["red_flag_rules"] = [
        rule for rule in changed["red_flag_rules"] if rule["urgency"] != "emergency"
    ]
    return changed


@pytest.fixture
def hip_document() -> dict[str, Any]:
    return kb.hip_document()


@pytest.fixture
def development_cases() -> list[dict[str, Any]]:
    return json.loads(DEVELOPMENT_VIGNETTES.read_text(encoding="utf-8"))


def vignette_from_case(case: dict[str, Any], **overrides: Any):
    """A ClinicalVignette row made from a case of a vignette file."""
    fields = {
        "code": case["id"],
        "source": case.get("source", ""),
        "narrative": case["narrative"],
        "answers": case["answers"],
        "expected_top": case["expected_top"],
        "acceptable": case.get("acceptable", []),
        "expected_triage": case["expected_triage"],
    }
    return ClinicalVignetteFactory(**{**fields, **overrides})


@pytest.fixture
def hip_vignettes(db) -> list:
    return [vignette_from_case(case) for case in hip_cases()]
