"""Conditions scored as a mixture of their forms, and evidence given as a study's sensitivity and
specificity (clinical decisions 2 and 3 in shared/clinical/README.md)."""

import math

import pytest

from conditions.engine import KnowledgeBaseError, assess
from conditions.engine.knowledge import FORM_CODE
from tests.engine.kb_documents import (
    answers,
    condition,
    document,
    evidence,
    finding,
    knowledge_base,
    other_causes,
    sourced,
)


def form(code: str, share: float, rows=()) -> dict:
    return sourced(code=code, name=code.replace("_", " "), description="", share=share) | {
        "evidence": list(rows)
    }


def study_row(code: str, sensitivity: float, specificity: float) -> dict:
    return evidence(code, sensitivity) | {"specificity": specificity}


FINDINGS = [
    finding("back_pain", adult=0.2, child=0.1),
    finding("heel_pain", adult=0.1, child=0.05),
    finding("swollen_knee", adult=0.1, child=0.1),
    finding("fever", adult=0.05, child=0.1),
]


def two_form_document(**arthritis_overrides) -> dict:
    forms = arthritis_overrides.pop(
        "forms",
        [
            form("few_joints", 0.8),
            form(
                "enthesitis_related", 0.2, [evidence("back_pain", 0.7), evidence("heel_pain", 0.6)]
            ),
        ],
    )
    arthritis = condition(
        "childhood_arthritis",
        {"0-9": 0.05, "10-15": 0.05},
        [evidence("swollen_knee", 0.6), evidence("back_pain", 0.05)],
        max_age=15,
        urgency="soon",
        forms=forms,
        **arthritis_overrides,
    )
    spine = condition(
        "spine_arthritis", {"10-15": 0.005, "16-49": 0.05}, [evidence("back_pain", 0.9)]
    )
    return document(findings=FINDINGS, conditions=[arthritis, spine, other_causes()])


def probabilities(assessment) -> dict[str, float]:
    return {row.code: row.probability for row in assessment.conditions}


def test_the_score_of_a_condition_of_forms_is_the_mixture_of_its_forms():
    knowledge = knowledge_base(two_form_document())
    result = assess(knowledge, answers(age=14, sex="male", back_pain=True, heel_pain=True))
    arthritis = next(row for row in result.conditions if row.code == "childhood_arthritis")
    # By hand: prior 0.05 × (0.8 × P(answers | few joints) + 0.2 × P(answers | enthesitis)),
    # each against the baselines (back pain 0.1, heel pain 0.05 for a child).
    few_joints = (0.05 / 0.1) * 1.0  # back pain from the condition's row, heel pain baseline
    enthesitis = (0.7 / 0.1) * (0.6 / 0.05)
    expected = math.log(0.05) + math.log(0.8 * few_joints + 0.2 * enthesitis)
    assert arthritis.score == pytest.approx(expected)


def test_a_form_can_carry_its_condition_past_a_rival_that_only_its_form_resembles():
    with_forms = knowledge_base(two_form_document())
    without_forms = knowledge_base(two_form_document(forms=[]))
    boy = answers(age=14, sex="male", back_pain=True, heel_pain=True)
    assert assess(without_forms, boy).conditions[0].code == "spine_arthritis"
    assert assess(with_forms, boy).conditions[0].code == "childhood_arthritis"


def test_the_explanation_names_the_form_that_fits_best_and_still_adds_up():
    knowledge = knowledge_base(two_form_document())
    result = assess(knowledge, answers(age=14, sex="male", back_pain=True, heel_pain=True))
    arthritis = next(row for row in result.conditions if row.code == "childhood_arthritis")
    forms = [c for c in arthritis.contributions if c.finding == FORM_CODE]
    assert [c.answer for c in forms] == ["enthesitis_related"]
    total = arthritis.log_prior + math.fsum(c.log_likelihood_ratio for c in arthritis.contributions)
    assert total == pytest.approx(arthritis.score, abs=1e-12)
    # The findings are explained with the best form's own figures: heel pain raises it.
    heel = next(c for c in arthritis.contributions if c.finding == "heel_pain")
    assert heel.likelihood_ratio == pytest.approx(0.6 / 0.05)


def test_a_form_follows_its_condition_s_age_gate():
    knowledge = knowledge_base(two_form_document())
    result = assess(knowledge, answers(age=30, sex="male", back_pain=True, heel_pain=True))
    assert "childhood_arthritis" not in probabilities(result)
    assert "childhood_arthritis" in result.excluded_by_age
    assert not any("/" in code for code in result.excluded_by_age)


@pytest.mark.parametrize(
    ("forms", "message"),
    [
        ([form("only", 0.99)], "needs at least two"),
        ([form("a", 0.5), form("b", 0.4)], "add up to 1"),
        ([form("a", 0.5), form("a", 0.5)], "same code"),
    ],
)
def test_forms_that_cannot_be_a_mixture_are_refused(forms, message):
    with pytest.raises(KnowledgeBaseError, match=message):
        knowledge_base(two_form_document(forms=forms))


def test_a_study_row_uses_the_study_s_likelihood_ratios_not_the_baseline():
    # History of cancer for malignancy among people with back pain: sensitivity 0.31,
    # specificity 0.98 (Deyo 1992): LR+ 15.5, LR− 0.70, whatever the finding's baseline.
    tumour = condition(
        "tumour", {"16-49": 0.01, "50+": 0.01}, [study_row("fever", 0.31, 0.98)], urgency="soon"
    )
    knowledge = knowledge_base(document(findings=FINDINGS, conditions=[tumour, other_causes()]))
    said_yes = assess(knowledge, answers(age=60, fever=True)).conditions[0].contributions[0]
    said_no = assess(knowledge, answers(age=60, fever=False)).conditions[0].contributions[0]
    assert said_yes.likelihood_ratio == pytest.approx(0.31 / 0.02)
    assert said_no.likelihood_ratio == pytest.approx(0.69 / 0.98)


def test_a_study_row_outside_zero_and_one_is_refused():
    tumour = condition("tumour", {"50+": 0.01}, [study_row("fever", 0.31, 1.0)])
    with pytest.raises(KnowledgeBaseError, match="specificity"):
        knowledge_base(document(findings=FINDINGS, conditions=[tumour, other_causes()]))
