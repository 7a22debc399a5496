"""The engine returns reasons as structures: the only words in them are the curators' own."""

from __future__ import annotations

import json

import pytest

from conditions.engine import ReasonKind, answers_from_mapping, assess
from tests.conftest import PROJECT_DIR

from .kb_documents import answers, knowledge_base

CURATED = {ReasonKind.RED_FLAG, ReasonKind.CAPPED}


def development_cases():
    document = json.loads((PROJECT_DIR / "vignettes" / "development.json").read_text())
    return document["cases"] if isinstance(document, dict) else document


def test_only_rules_bring_words_of_their_own(seeded_knowledge_base):
    kinds = set()
    for case in development_cases():
        assessment = assess(
            seeded_knowledge_base,
            answers_from_mapping(case["answers"], knowledge_base=seeded_knowledge_base),
        )
        for reason in assessment.triage_reasons:
            kinds.add(reason.kind)
            if reason.kind in CURATED:
                continue
            assert reason.message == "", (case["id"], reason)
    # The cases reach every kind of reason the pages and the API must put into words.
    assert {ReasonKind.RED_FLAG, ReasonKind.CONDITION, ReasonKind.SELF_CARE} <= kinds


def test_a_condition_reason_says_whether_it_ranks_first():
    assessment = assess(knowledge_base(), answers(age=5, limp=True, duration_weeks=1, fever=True))
    (septic,) = [r for r in assessment.triage_reasons if r.code == "septic_arthritis"]
    assert assessment.conditions[0].code == "transient_synovitis"
    assert septic.ranked_first is False

    first = assess(knowledge_base(), answers(age=30, small_joints=True, morning_stiffness=True))
    (reason,) = first.triage_reasons
    assert reason.code == first.conditions[0].code
    assert reason.ranked_first is True


@pytest.mark.parametrize("ranked_first", [True, False])
def test_the_wording_module_names_the_condition(seeded_knowledge_base, ranked_first):
    from conditions.engine import Triage, TriageReason
    from questionnaire.wording import triage_reason_message

    reason = TriageReason(
        kind=ReasonKind.CONDITION,
        code="osteoarthritis",
        urgency=Triage.ROUTINE,
        message="",
        reason="",
        ranked_first=ranked_first,
    )
    name = seeded_knowledge_base.condition("osteoarthritis").name
    expected = "fits your answers best." if ranked_first else "also fits your answers."
    assert triage_reason_message(reason, seeded_knowledge_base) == f"{name} {expected}"
