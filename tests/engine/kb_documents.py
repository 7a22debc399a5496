"""Builders of small, handcrafted knowledge documents for the engine tests.

Each builder returns the plain dict of docs/knowledge-format.md, with only the keys the engine
reads filled in realistically; keyword arguments override any key.
"""

from __future__ import annotations

from typing import Any

from conditions.engine import Answers, KnowledgeBase, Sex, knowledge_base_from_document

BANDS = [
    {"code": "0-9", "min_age": 0, "max_age": 9},
    {"code": "10-15", "min_age": 10, "max_age": 15},
    {"code": "16-49", "min_age": 16, "max_age": 49},
    {"code": "50+", "min_age": 50, "max_age": 120},
]


def sourced(**figures: Any) -> dict[str, Any]:
    """Figures with the source keys every disputable number carries."""
    return {**figures, "reference": None, "expert_estimate": True, "note": ""}


def finding(code: str, adult: float = 0.2, child: float = 0.2, **overrides: Any) -> dict[str, Any]:
    """A yes/no finding with its baselines."""
    return {
        "code": code,
        "question": f"{code}?",
        "help_text": "",
        "answer_type": "yes_no",
        "section": "the_pain",
        "order": 10,
        "min_age": None,
        "max_age": None,
        "blocks_self_care": False,
        "baseline": sourced(adult=adult, child=child),
        **overrides,
    }


def evidence(code: str, probability: float, population: str = "all") -> dict[str, Any]:
    """An evidence row: P(code answered yes | condition) in ``population``."""
    return sourced(finding=code, population=population, probability=probability)


def condition(
    code: str,
    priors: dict[str, float],
    evidence_rows: list[dict[str, Any]] = (),
    **overrides: Any,
) -> dict[str, Any]:
    """A named condition; ``priors`` maps band codes to probabilities (missing bands: 0)."""
    return {
        "code": code,
        "name": code.replace("_", " ").capitalize(),
        "summary": "",
        "category": "other",
        "is_other_causes": False,
        "min_age": 0,
        "max_age": 120,
        "sex": sourced(female_share=0.5),
        "urgency": "routine",
        "self_care_max_duration_weeks": None,
        "doctor_checks": "",
        "management": "",
        "icd10": "",
        "snomed_ct": "",
        "references": [],
        "priors": [
            sourced(band=band["code"], probability=priors.get(band["code"], 0.0)) for band in BANDS
        ],
        "duration": None,
        "evidence": list(evidence_rows),
        **overrides,
    }


def other_causes(
    evidence_rows: list[dict[str, Any]] = (), prior: float = 0.5, **overrides: Any
) -> dict[str, Any]:
    """The remainder class, with the same prior in every band."""
    return condition(
        "other_causes",
        {band["code"]: prior for band in BANDS},
        evidence_rows,
        is_other_causes=True,
        **overrides,
    )


def rule(code: str, urgency: str, **overrides: Any) -> dict[str, Any]:
    """A red-flag rule; give at least ``requires_present`` or ``requires_any_of``."""
    return {
        "code": code,
        "name": code,
        "urgency": urgency,
        "concern": f"{code} concern",
        "concern_conditions": [],
        "cap_unless_ranked_first": False,
        "min_age": None,
        "max_age": None,
        "duration_min_weeks": None,
        "duration_below_weeks": None,
        "requires_present": [],
        "requires_absent": [],
        "requires_any_of": [],
        "qualifier_absent": [],
        "message": f"{code} message",
        "if_unanswered": f"{code} if unanswered",
        "reason": f"{code} reason",
        "reference": None,
        "expert_estimate": True,
        "note": "",
        **overrides,
    }


def document(
    *,
    findings: list[dict[str, Any]],
    conditions: list[dict[str, Any]],
    red_flag_rules: list[dict[str, Any]] = (),
    plausible_probability: float = 0.10,
    baseline_duration: tuple[float, float, float] = (0.30, 0.55, 0.45),
) -> dict[str, Any]:
    """A whole knowledge document; add ``other_causes()`` to ``conditions`` yourself."""
    le_2, ge_6, ge_12 = baseline_duration
    return {
        "format_version": 1,
        "scoring": {
            "plausible_probability": plausible_probability,
            "baseline_duration": sourced(le_2_weeks=le_2, ge_6_weeks=ge_6, ge_12_weeks=ge_12),
        },
        "age_bands": BANDS,
        "references": [],
        "findings": findings,
        "conditions": conditions,
        "red_flag_rules": list(red_flag_rules),
    }


def hip_document(**overrides: Any) -> dict[str, Any]:
    """A small hip-pain knowledge base: four named conditions, other causes and two rules."""
    findings = [
        finding("fever", adult=0.02, child=0.15, blocks_self_care=True),
        finding("limp", adult=0.3, child=0.8),
        finding("pain_groin", adult=0.4, child=0.4),
        finding("morning_stiffness", adult=0.2, child=0.1, blocks_self_care=True),
        finding("small_joints", adult=0.1, child=0.05),
        finding("night_pain", adult=0.2, child=0.1),
        finding("weight_loss", adult=0.03, child=0.02, blocks_self_care=True),
        finding("history_of_cancer", adult=0.05, child=0.01),
        finding("recent_trauma", adult=0.1, child=0.1),
        finding("unable_to_bear_weight", adult=0.05, child=0.1),
    ]
    conditions = [
        condition(
            "osteoarthritis",
            {"16-49": 0.10, "50+": 0.40},
            [evidence("pain_groin", 0.7), evidence("morning_stiffness", 0.1)],
            min_age=16,
            sex=sourced(female_share=0.6),
            self_care_max_duration_weeks=2,
            duration=sourced(le_2_weeks=0.15, ge_6_weeks=0.70, ge_12_weeks=0.60),
        ),
        condition(
            "rheumatoid_arthritis",
            {"16-49": 0.05, "50+": 0.05},
            [evidence("small_joints", 0.9), evidence("morning_stiffness", 0.8)],
            min_age=16,
            urgency="soon",
            sex=sourced(female_share=0.75),
            duration=sourced(le_2_weeks=0.05, ge_6_weeks=0.80, ge_12_weeks=0.60),
        ),
        condition(
            "septic_arthritis",
            {"0-9": 0.05, "10-15": 0.02, "16-49": 0.01, "50+": 0.01},
            [evidence("fever", 0.8), evidence("fever", 0.6, population="adult")],
            urgency="emergency",
            duration=sourced(le_2_weeks=0.95, ge_6_weeks=0.02, ge_12_weeks=0.01),
        ),
        condition(
            "transient_synovitis",
            {"0-9": 0.40, "10-15": 0.10},
            [evidence("limp", 0.95), evidence("fever", 0.1)],
            max_age=15,
            urgency="urgent",
            duration=sourced(le_2_weeks=0.95, ge_6_weeks=0.01, ge_12_weeks=0.005),
        ),
        other_causes(
            [evidence("morning_stiffness", 0.1)],
            self_care_max_duration_weeks=2,
        ),
    ]
    red_flag_rules = [
        rule(
            "fever_unable_to_bear_weight",
            "emergency",
            requires_present=["fever", "unable_to_bear_weight"],
        ),
        rule(
            "cancer_night_pain_or_weight_loss",
            "soon",
            requires_present=["history_of_cancer"],
            requires_any_of=["night_pain", "weight_loss"],
        ),
    ]
    return document(findings=findings, conditions=conditions, red_flag_rules=red_flag_rules) | (
        overrides
    )


def knowledge_base(source: dict[str, Any] | None = None, version: int = 1) -> KnowledgeBase:
    """The engine's snapshot of ``source`` (the hip document by default)."""
    return knowledge_base_from_document(source or hip_document(), version=version)


def answers(
    age: int = 40,
    sex: str = "female",
    duration_weeks: float | None = None,
    **findings: bool,
) -> Answers:
    """Answers with the given findings; every finding not named is unknown."""
    return Answers(age=age, sex=Sex(sex), duration_weeks=duration_weeks, findings=findings)
