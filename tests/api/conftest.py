"""The JSON API and FHIR tests run against the seeded knowledge base, published as version 1."""

from __future__ import annotations

from typing import Any

import pytest

# ``published`` (the seeded knowledge base, published in the test's database) comes from
# tests/conftest.py.
# An 83-year-old woman who fell and cannot bear weight (a suspected hip fracture).
HIP_FRACTURE_ANSWERS: dict[str, Any] = {
    "age": 83,
    "sex": "female",
    "duration_weeks": 0,
    "findings": {
        "recent_trauma": True,
        "unable_to_bear_weight": True,
        "pain_groin": True,
        "steroid_use": True,
        "fever": False,
        "history_of_cancer": False,
        "weight_loss": False,
        "night_pain": False,
    },
}


@pytest.fixture
def hip_fracture_answers() -> dict[str, Any]:
    """A fresh copy of pub-07's answers, to change freely."""
    return {**HIP_FRACTURE_ANSWERS, "findings": dict(HIP_FRACTURE_ANSWERS["findings"])}
