"""The seeded knowledge base on the clinical decisions of 2026-12-03 (issue 15): known diagnoses
and immunosuppression are findings, JIA is a mixture of its forms, a study of the same complaint
is used directly."""

from __future__ import annotations

import math

import pytest

from conditions.engine import Triage, assess
from conditions.engine.knowledge import FORM_CODE
from tests.engine.kb_documents import answers as person


def ranking(assessment) -> list[str]:
    return [row.code for row in assessment.conditions]


def probability(assessment, code: str) -> float:
    return next(row.probability for row in assessment.conditions if row.code == code)


@pytest.mark.parametrize("age", [45, 68])
def test_known_rheumatoid_arthritis_on_immunosuppressants_with_a_new_fever(
    seeded_knowledge_base, age
):
    on_treatment = assess(
        seeded_knowledge_base,
        person(
            age, "female", 0.5, fever=True, known_rheumatoid_arthritis=True, immunosuppressed=True
        ),
    )
    assert "septic_arthritis" in ranking(on_treatment)[:3]
    assert on_treatment.triage is Triage.EMERGENCY
    # What the person knows about themselves raises the infection, against a fever alone.
    fever_only = assess(seeded_knowledge_base, person(age, "female", 0.5, fever=True))
    assert probability(on_treatment, "septic_arthritis") > probability(
        fever_only, "septic_arthritis"
    )


def test_immunosuppression_raises_septic_arthritis_whatever_else_is_said(seeded_knowledge_base):
    said = {"fever": True, "pain_groin": True}
    without = assess(seeded_knowledge_base, person(60, "male", 0.5, **said, immunosuppressed=False))
    with_it = assess(seeded_knowledge_base, person(60, "male", 0.5, **said, immunosuppressed=True))
    assert probability(with_it, "septic_arthritis") > probability(without, "septic_arthritis")
    septic = next(row for row in with_it.conditions if row.code == "septic_arthritis")
    said_yes = next(c for c in septic.contributions if c.finding == "immunosuppressed")
    assert said_yes.likelihood_ratio > 2


def test_a_known_bowel_disease_turns_inflammatory_back_pain_towards_enteropathic_arthritis(
    seeded_knowledge_base,
):
    back = {
        "low_back_pain": True,
        "pain_buttock": True,
        "morning_stiffness_over_30min": True,
        "pain_better_with_activity": True,
    }
    assert (
        ranking(assess(seeded_knowledge_base, person(29, "male", 22, **back)))[0]
        == "ankylosing_spondylitis"
    )
    known = assess(
        seeded_knowledge_base, person(29, "male", 22, **back, known_inflammatory_bowel_disease=True)
    )
    assert ranking(known)[0] == "enteropathic_arthritis"


def test_a_teenager_with_enthesitis_and_back_pain_is_seen_soon_as_possible_jia(
    seeded_knowledge_base,
):
    boy = person(
        14,
        "male",
        17,
        heel_pain=True,
        low_back_pain=True,
        pain_buttock=True,
        morning_stiffness_over_30min=True,
        pain_better_with_activity=True,
        limp=False,
        pain_knee=False,
    )
    assessment = assess(seeded_knowledge_base, boy)
    assert probability(assessment, "juvenile_idiopathic_arthritis") >= 0.10
    assert assessment.triage is Triage.SOON
    jia = next(row for row in assessment.conditions if row.code == "juvenile_idiopathic_arthritis")
    forms = [c.answer for c in jia.contributions if c.finding == FORM_CODE]
    assert forms == ["enthesitis_related"]
    total = jia.log_prior + math.fsum(c.log_likelihood_ratio for c in jia.contributions)
    assert total == pytest.approx(jia.score, abs=1e-9)


def test_a_history_of_cancer_counts_with_the_study_s_likelihood_ratio(seeded_knowledge_base):
    said_yes = assess(seeded_knowledge_base, person(63, "female", 5, history_of_cancer=True))
    malignancy = next(row for row in said_yes.conditions if row.code == "malignancy")
    cancer = next(c for c in malignancy.contributions if c.finding == "history_of_cancer")
    assert cancer.likelihood_ratio == pytest.approx(0.31 / 0.02)
