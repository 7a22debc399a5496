"""The JSON shape of the published questionnaire, the conditions and an assessment.

No scoring happens here: the engine decides, this module copies its results into plain data. The
words (likelihood bands, the advice for each level, the reasons as statements, the step titles and
the about-you questions) are the patient pages' own, from ``questionnaire.wording``, so both say
the same.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from api.coding import condition_codes_from_text
from conditions.choices import AnswerType
from conditions.engine import (
    Assessment,
    Condition,
    Contribution,
    Finding,
    KnowledgeBase,
    RankedCondition,
    conditions_that_fit,
)
from conditions.engine.answers import MAX_AGE, MAX_DURATION_WEEKS, MIN_AGE
from conditions.engine.explanation import FittingCondition, fit_of
from questionnaire import wording
from questionnaire.forms import AboutYouForm
from questionnaire.steps import SECTION_TITLES

DISCLAIMER = (
    "Symptomcheck gives guidance, not a diagnosis. Consult a healthcare professional about your "
    "symptoms; in an emergency call your local emergency number."
)
# The questionnaire asks yes / no / not sure questions (yes / no for the warning signs people
# know), as the patient pages do.


def questionnaire_payload(knowledge_base: KnowledgeBase) -> dict[str, Any]:
    """The questions of the published knowledge base, in the order the patient pages ask them."""
    return {
        "knowledge_base_version": knowledge_base.version,
        "about_you": about_you_items(),
        "sections": [{"code": code, "title": str(title)} for code, title in SECTION_TITLES.items()],
        "findings": [finding_payload(finding) for finding in asked_findings(knowledge_base)],
    }


def finding_payload(finding: Finding) -> dict[str, Any]:
    """One question of the questionnaire, as the questionnaire and the interview send it."""
    return {
        "code": finding.code,
        "question": finding.question,
        "help_text": finding.help_text,
        "question_for_child": finding.question_for_child,
        "help_text_for_child": finding.help_text_for_child,
        "answer_type": finding.answer_type,
        "section": finding.section,
        "order": finding.order,
        "min_age": finding.min_age,
        "max_age": finding.max_age,
        "allows_not_sure": finding.allows_not_sure,
        "follow_up_for": finding.follow_up_for,
    }


def asked_findings(knowledge_base: KnowledgeBase) -> list[Finding]:
    """The yes / no findings, by step, then the curators' order, then code."""
    step_position = {step: position for position, step in enumerate(SECTION_TITLES)}
    findings = [f for f in knowledge_base.findings.values() if f.answer_type == AnswerType.YES_NO]
    return sorted(
        findings,
        key=lambda f: (step_position.get(f.section, len(step_position)), f.order, f.code),
    )


def about_you_items() -> list[dict[str, Any]]:
    """Age, sex and duration as asked of everyone first; the bounds are what the API accepts."""
    fields = AboutYouForm.base_fields
    return [
        {
            "code": "age",
            "question": str(fields["age"].label),
            "help_text": str(fields["age"].help_text),
            "answer_type": "integer",
            "required": True,
            "minimum": MIN_AGE,
            "maximum": MAX_AGE,
            "options": [],
        },
        {
            "code": "sex",
            "question": str(fields["sex"].label),
            "help_text": str(fields["sex"].help_text),
            "answer_type": "choice",
            "required": True,
            "minimum": None,
            "maximum": None,
            "options": [str(value) for value, _label in fields["sex"].choices],
        },
        {
            "code": "duration_weeks",
            # The pages ask a number and a unit and convert it; the API takes weeks.
            "question": "How many weeks have you had this pain?",
            "help_text": (
                "Enter 0 if it started less than a week ago. "
                "Send null, or leave it out, when not known."
            ),
            "answer_type": "number",
            "required": False,
            "minimum": 0,
            "maximum": MAX_DURATION_WEEKS,
            "options": [],
        },
    ]


def condition_payload(condition: Condition) -> dict[str, Any]:
    """A published condition as a patient reads it, with its standard codes."""
    return {
        "code": condition.code,
        "name": condition.name,
        "summary": condition.summary,
        "category": condition.category,
        "urgency": str(condition.urgency),
        "min_age": condition.min_age,
        "max_age": condition.max_age,
        "icd10": condition.icd10,
        "snomed_ct": condition.snomed_ct,
        "codes": _codes_of(condition),
        "doctor_checks": condition.doctor_checks,
        "management": condition.management,
    }


def assessment_payload(
    assessment: Assessment, knowledge_base: KnowledgeBase, *, for_child: bool = False
) -> dict[str, Any]:
    """The engine's assessment as plain data, with the disclaimer; the reasons worded for a
    parent about their child when ``for_child``, as the result page words them."""
    card = wording.URGENCY_CARDS[assessment.triage]
    thresholds = knowledge_base.result_thresholds
    other_words, _blocks = wording.likelihood(fit_of(assessment.other_causes, thresholds))
    fitting = {fits.code: fits for fits in conditions_that_fit(assessment, thresholds)}
    return {
        "knowledge_base_version": assessment.knowledge_base_version,
        "triage": str(assessment.triage),
        "advice": {"heading": str(card.heading), "action": str(card.action)},
        "triage_reasons": [
            {
                "kind": str(reason.kind),
                "code": reason.code,
                "urgency": str(reason.urgency),
                "message": wording.triage_reason_message(reason, knowledge_base),
                "reason": reason.reason,
                "concern": reason.concern,
            }
            for reason in assessment.triage_reasons
        ],
        "fired_red_flags": list(assessment.fired_red_flags),
        "unanswered_warning_signs": [
            {
                "rule": sign.rule,
                "findings": list(sign.findings),
                "urgency": str(sign.urgency),
                "message": sign.message,
                "concern": sign.concern,
            }
            for sign in assessment.unanswered_warning_signs
        ],
        # The engine explains the first conditions and every one that is not negligible; the
        # rest of a very large knowledge base is counted, not listed.
        "conditions": [
            _ranked_condition(ranked, knowledge_base, fitting.get(ranked.code), for_child)
            for ranked in assessment.conditions.explained
        ],
        "unlisted_conditions": len(assessment.conditions) - len(assessment.conditions.explained),
        "other_causes": {
            "probability": assessment.other_causes,
            "likelihood": other_words,
            "explanation": _explanation(assessment.other_causes_detail.contributions),
        },
        "excluded_by_age": list(assessment.excluded_by_age),
        "excluded_by_sex": list(assessment.excluded_by_sex),
        "disclaimer": DISCLAIMER,
    }


def _ranked_condition(
    ranked: RankedCondition,
    knowledge_base: KnowledgeBase,
    fits: FittingCondition | None,
    for_child: bool,
) -> dict[str, Any]:
    words, _blocks = wording.likelihood(
        fit_of(ranked.probability, knowledge_base.result_thresholds)
    )
    return {
        "code": ranked.code,
        "name": ranked.name,
        "category": ranked.category,
        "urgency": str(ranked.urgency),
        "probability": ranked.probability,
        "likelihood": words,
        "codes": _codes_of(knowledge_base.condition(ranked.code)),
        "explanation": _explanation(ranked.contributions),
        "fits": fits is not None,
        "reasons": [
            {
                "finding": reason.finding,
                "answer": reason.answer if isinstance(reason.answer, bool) else str(reason.answer),
                "direction": str(reason.direction),
                "likelihood_ratio": reason.likelihood_ratio,
                "statement": wording.statement(reason, knowledge_base, for_child=for_child),
            }
            for reason in (fits.reasons if fits is not None else ())
        ],
    }


def _codes_of(condition: Condition) -> list[dict[str, str]]:
    return [dict(coding) for coding in _cached_codes(condition.icd10, condition.snomed_ct)]


@lru_cache(maxsize=4096)
def _cached_codes(icd10: str, snomed_ct: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    # Parsed once per text: an assessment lists up to 20 or so conditions on every request.
    codes = condition_codes_from_text(icd10, snomed_ct)
    return tuple(tuple(coding.items()) for coding in codes)


def _explanation(contributions: tuple[Contribution, ...]) -> list[dict[str, Any]]:
    return [
        {
            "finding": contribution.finding,
            # A duration bin is a StrEnum: sent as its value, e.g. "6_to_12_weeks".
            "answer": contribution.answer
            if isinstance(contribution.answer, bool)
            else str(contribution.answer),
            "likelihood_ratio": contribution.likelihood_ratio,
        }
        for contribution in contributions
    ]
