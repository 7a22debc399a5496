"""Shaping an assessment for the result page and the doctor's summary.

No scoring happens here: the engine decides, this module only chooses words. Likelihoods are
shown as three bands in words with a three-block bar, never as percentages: the scores are not
calibrated (shared/ux.md §5).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from conditions.engine import (
    Answers,
    Assessment,
    KnowledgeBase,
    RankedCondition,
    Triage,
    TriageReason,
    UnansweredWarningSign,
    answers_from_mapping,
    assess,
)
from conditions.engine.scoring import DurationBin
from conditions.engine.triage_rules import ReasonKind
from conditions.published import published_knowledge_base
from questionnaire.steps import BODY_MAP_STEP

MAX_CONDITIONS_SHOWN = 5
MIN_PROBABILITY_SHOWN = 0.02
MAX_REASONS_SHOWN = 4

# Thresholds of the three likelihood bands (posterior probability).
FITS_WELL = 0.40
FITS_PARTLY = 0.10


@dataclass(frozen=True, slots=True)
class UrgencyCard:
    """The care card that leads the result page (NHS care-card pattern)."""

    level: str
    css_class: str
    hidden_prefix: str
    heading: str
    action: str


URGENCY_CARDS: dict[Triage, UrgencyCard] = {
    Triage.EMERGENCY: UrgencyCard(
        "emergency",
        "care-card--emergency",
        _("Immediate action required:"),
        _("Call 999 or go to A&E now"),
        _("Do not wait. Go to an emergency department now, or call 999 (112 in Europe)."),
    ),
    Triage.URGENT: UrgencyCard(
        "urgent",
        "care-card--urgent",
        _("Urgent advice:"),
        _("Get medical help today"),
        _(
            "See a doctor today. Ask your GP surgery for an urgent appointment, or call 111 or go "
            "to an urgent care centre if it is closed."
        ),
    ),
    Triage.SOON: UrgencyCard(
        "soon",
        "care-card--non-urgent",
        _("Non-urgent advice:"),
        _("See a doctor within 3 days"),
        _("Book an appointment with your GP surgery within the next few days."),
    ),
    Triage.ROUTINE: UrgencyCard(
        "routine",
        "care-card--non-urgent",
        _("Non-urgent advice:"),
        _("Book an appointment with your doctor"),
        _("Book a routine appointment with your GP surgery."),
    ),
    Triage.SELF_CARE: UrgencyCard(
        "self_care",
        "care-card--non-urgent",
        _("Non-urgent advice:"),
        _("You can look after this yourself for now"),
        _(
            "Rest, gentle movement and over-the-counter painkillers usually help. See a doctor "
            "if it is not better within 2 weeks."
        ),
    ),
}

SAFETY_NET = [
    _("the pain gets worse or is not better within 2 weeks"),
    _("you get a high temperature or feel hot and shivery"),
    _("you cannot put weight on the leg"),
    _("you feel numb between your legs or cannot control your bladder or bowels"),
]


CONDITIONS_HEADING = _("What might be causing your pain")
# When a red flag sets the level, the result leads with its concern and the ranked conditions
# come after it as the rest of the picture, not as the most likely cause.
CONDITIONS_AFTER_CONCERN_HEADING = _("Other things a doctor will consider")


def likelihood_band(probability: float) -> tuple[str, int]:
    """The words and the number of filled blocks (of 3) for a probability."""
    if probability >= FITS_WELL:
        return str(_("Fits your answers well")), 3
    if probability >= FITS_PARTLY:
        return str(_("Fits your answers partly")), 2
    return str(_("Fits your answers a little")), 1


def _reason(contribution: Any, knowledge_base: KnowledgeBase) -> dict[str, Any]:
    if contribution.finding == "duration":
        question = str(_("How long you have had the pain"))
        answer = DurationBin(contribution.answer).label
    else:
        finding = knowledge_base.findings.get(contribution.finding)
        question = finding.question if finding else contribution.finding
        answer = str(_("Yes")) if contribution.answer is True else str(_("No"))
    return {
        "question": question,
        "answer": answer,
    }


def _condition_rows(assessment: Assessment, knowledge_base: KnowledgeBase) -> list[dict[str, Any]]:
    rows = []
    for position, ranked in enumerate(assessment.conditions):
        if position >= MAX_CONDITIONS_SHOWN:
            break
        if position >= 3 and ranked.probability < MIN_PROBABILITY_SHOWN:
            break
        rows.append(_condition_row(ranked, knowledge_base))
    return rows


def _condition_row(ranked: RankedCondition, knowledge_base: KnowledgeBase) -> dict[str, Any]:
    words, blocks = likelihood_band(ranked.probability)
    condition = knowledge_base.condition(ranked.code)
    supporting = [c for c in ranked.contributions if c.log_likelihood_ratio > 0]
    against = [c for c in ranked.contributions if c.log_likelihood_ratio < 0]
    return {
        "code": ranked.code,
        "name": ranked.name,
        "likelihood": words,
        "blocks": blocks,
        "summary": condition.summary,
        "doctor_checks": condition.doctor_checks,
        "for": [_reason(c, knowledge_base) for c in supporting[:MAX_REASONS_SHOWN]],
        "against": [_reason(c, knowledge_base) for c in against[:MAX_REASONS_SHOWN]],
    }


def _reason_text(reason: TriageReason, knowledge_base: KnowledgeBase) -> str:
    """Why the urgency is what it is, in the person's language.

    Red-flag messages are the curators' words from the knowledge base; the other reasons are
    worded here, so that they can be translated.
    """
    if reason.kind is ReasonKind.RED_FLAG:
        return reason.message
    if reason.kind is ReasonKind.CAPPED and reason.message:
        # A capped condition's level is the rule's (can bear weight): so are its words.
        return reason.message
    if reason.kind is ReasonKind.DEFAULT:
        return str(_("None of the listed conditions clearly fits your answers."))
    if knowledge_base.has_condition(reason.code):
        name = knowledge_base.condition(reason.code).name
    else:
        name = str(_("A cause not on this list"))
    if reason.kind is ReasonKind.SELF_CARE:
        return str(
            _(
                "%(name)s fits your answers. Pain like this that began recently, with no sign of "
                "inflammation, usually gets better with self-care."
            )
            % {"name": name}
        )
    if reason.kind is ReasonKind.UNCONFIRMED:
        return str(_("%(name)s cannot be ruled out from your answers.") % {"name": name})
    return str(_("%(name)s fits your answers.") % {"name": name})


def red_flag_concerns(reasons: Iterable[TriageReason]) -> list[str]:
    """The plain-words concerns of the red flags among ``reasons``, each once, in rule order."""
    concerns: list[str] = []
    for reason in reasons:
        concern = reason.concern.strip()
        if reason.kind is ReasonKind.RED_FLAG and concern and concern not in concerns:
            concerns.append(concern)
    return concerns


def _unanswered_questions(findings: Iterable[str], knowledge_base: KnowledgeBase) -> list[str]:
    """The questions behind unanswered findings; places on the body map as one "Where it hurts"."""
    questions: list[str] = []
    places: list[str] = []
    for code in findings:
        finding = knowledge_base.findings.get(code)
        if finding is None:
            questions.append(code)
        elif finding.section == BODY_MAP_STEP:
            places.append(finding.question)
        else:
            questions.append(finding.question)
    if places:
        questions.append(str(_("Where it hurts: %(places)s") % {"places": "; ".join(places)}))
    return questions


def _unanswered_warning_sign(
    sign: UnansweredWarningSign, knowledge_base: KnowledgeBase
) -> dict[str, Any]:
    card = URGENCY_CARDS[sign.urgency]
    # A rule published before rules had their own words for this still says what to do.
    message = sign.message.strip() or str(
        _("%(heading)s if this applies to you.") % {"heading": card.heading}
    )
    return {
        "level": card.level,
        "hidden_prefix": card.hidden_prefix,
        "heading": card.heading,
        "message": message,
        "concern": sign.concern.strip(),
        "questions": _unanswered_questions(sign.findings, knowledge_base),
    }


def _stored_answers(stored: Mapping[str, Any], knowledge_base: KnowledgeBase) -> Answers:
    """The engine's answers from the session, with any finding the published version no longer
    has left out: a newer version published while the result is open must not break the page."""
    answers = stored.get("answers")
    raw = dict(answers) if isinstance(answers, Mapping) else {}
    findings = raw.get("findings")
    if isinstance(findings, Mapping):
        raw["findings"] = {
            code: answer for code, answer in findings.items() if knowledge_base.has_finding(code)
        }
    return answers_from_mapping(raw, knowledge_base=knowledge_base)


def _answer_lines(stored: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    lines = stored.get("lines")
    if not isinstance(lines, list):
        return []
    return [line for line in lines if isinstance(line, Mapping)]


def result_context(stored: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the result and summary templates show, from the stored answers.

    The session keeps only the answers (and the lines of the summary): the assessment is made
    again here, so a result stored by an earlier version of the app shows what the engine
    decides now, with its concerns and unanswered warning signs.
    """
    knowledge_base = published_knowledge_base()
    assessment = assess(knowledge_base, _stored_answers(stored, knowledge_base))
    other_words, other_blocks = likelihood_band(assessment.other_causes)
    led_by_red_flag = any(
        reason.kind is ReasonKind.RED_FLAG for reason in assessment.triage_reasons
    )
    return {
        "card": URGENCY_CARDS[assessment.triage],
        "is_emergency": assessment.triage is Triage.EMERGENCY,
        "is_self_care": assessment.triage is Triage.SELF_CARE,
        "safety_net": SAFETY_NET,
        "concerns": red_flag_concerns(assessment.triage_reasons),
        # A capped condition says what its rule says: each sentence once.
        "reasons": list(
            dict.fromkeys(
                _reason_text(reason, knowledge_base) for reason in assessment.triage_reasons
            )
        ),
        # Most urgent first (the template groups them by level).
        "unanswered_warning_signs": [
            _unanswered_warning_sign(sign, knowledge_base)
            for sign in sorted(assessment.unanswered_warning_signs, key=lambda s: s.urgency.rank)
        ],
        "conditions_heading": (
            CONDITIONS_AFTER_CONCERN_HEADING if led_by_red_flag else CONDITIONS_HEADING
        ),
        "conditions": _condition_rows(assessment, knowledge_base),
        "other_causes": {"likelihood": other_words, "blocks": other_blocks},
        "answer_lines": _answer_lines(stored),
        "interrupted": bool(stored.get("interrupted", False)),
        "knowledge_base_version": assessment.knowledge_base_version,
    }
