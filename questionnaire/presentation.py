"""Shaping a kept assessment for the result page and the doctor's summary (and its PDF).

The result is the assessment kept when the questionnaire finished (``CompletedAssessment``): its
answers, level, ranking and version. It is explained with that version's knowledge base: the same
answers assessed again against the same version give the same assessment, whose contributions and
reasons are shown. A version published since changes nothing here (issue 14).

No scoring happens here and no words are chosen here: the engine decides (which conditions fit,
which answers are reasons), ``questionnaire.wording`` words it. Likelihoods are three bands in
words with a three-block bar, never percentages: the scores are not calibrated (shared/ux.md §5).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from conditions.engine import (
    Answers,
    AnswersError,
    Assessment,
    KnowledgeBase,
    KnowledgeBaseError,
    ReasonKind,
    Triage,
    TriageReason,
    UnansweredWarningSign,
    answers_from_mapping,
    assess,
)
from conditions.engine.explanation import (
    fit_of,
    form_that_fits_best,
    listed,
    noticeable_reasons,
)
from conditions.published import (
    NoPublishedKnowledgeBase,
    published_knowledge_base,
    published_knowledge_base_version,
)
from questionnaire import wording
from questionnaire.answers import engine_mapping
from questionnaire.models import CompletedAssessment
from questionnaire.steps import is_child, wording_for

logger = logging.getLogger(__name__)

# Display limits, not clinical figures: the policy decides which conditions fit.
MAX_CONDITIONS_SHOWN = 5
MAX_REASONS_SHOWN = 4


class ResultGone(Exception):
    """The kept assessment cannot be shown (its answers no longer read): start again."""


def knowledge_base_of_version(number: int) -> tuple[KnowledgeBase, str]:
    """The knowledge base of published version ``number``, and an empty note; when that version
    can no longer be loaded, the latest one and a note saying so."""
    try:
        return published_knowledge_base_version(number), ""
    except (NoPublishedKnowledgeBase, KnowledgeBaseError):
        logger.warning("Knowledge-base version %s cannot be loaded: the latest explains it", number)
        latest = published_knowledge_base()
        return latest, wording.version_replaced_note(number, latest.version)


@dataclass(frozen=True, slots=True)
class KeptResult:
    """What the kept copy says was decided: level, ranking (code, probability) and the rest."""

    version: int
    answers: Mapping[str, Any]
    triage: Triage
    ranking: tuple[tuple[str, float], ...]
    other_causes: float
    fired_red_flags: tuple[str, ...]
    unanswered_rules: tuple[str, ...]
    interrupted: bool

    @classmethod
    def of(cls, kept: CompletedAssessment) -> KeptResult:
        result = kept.result if isinstance(kept.result, Mapping) else {}
        try:
            return cls(
                version=kept.knowledge_base_version,
                answers=kept.answers if isinstance(kept.answers, Mapping) else {},
                triage=Triage(result["triage"]),
                ranking=tuple(
                    (str(row["code"]), float(row["probability"])) for row in result["conditions"]
                ),
                other_causes=float(result["other_causes"]),
                fired_red_flags=tuple(result.get("fired_red_flags") or ()),
                unanswered_rules=tuple(
                    sign["rule"] for sign in result.get("unanswered_warning_signs") or ()
                ),
                interrupted=kept.interrupted,
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ResultGone from error


def _answers(raw: Mapping[str, Any], knowledge_base: KnowledgeBase) -> Answers:
    """The engine's answers, with any finding the knowledge base does not have left out (only
    when the kept version could not be loaded and another explains it). What the engine does
    not read (the side, the duration as given) is left out."""
    answers = engine_mapping(raw)
    findings = answers.get("findings")
    if isinstance(findings, Mapping):
        answers["findings"] = {
            code: answer for code, answer in findings.items() if knowledge_base.has_finding(code)
        }
    try:
        return answers_from_mapping(answers, knowledge_base=knowledge_base)
    except AnswersError as error:
        raise ResultGone from error


def _condition_rows(
    kept: KeptResult, assessment: Assessment, knowledge_base: KnowledgeBase, *, for_child: bool
) -> list[dict[str, Any]]:
    """The conditions that fit, from the kept ranking, explained by the version's assessment;
    the reasons worded for a parent when the person is a child (``for_child``)."""
    thresholds = knowledge_base.result_thresholds
    explained = {ranked.code: ranked for ranked in assessment.conditions.explained}
    rows = []
    for code, _probability, fit in listed(kept.ranking, kept.other_causes, thresholds):
        if len(rows) >= MAX_CONDITIONS_SHOWN or not knowledge_base.has_condition(code):
            break
        ranked = explained.get(code)
        reasons = noticeable_reasons(ranked.contributions, thresholds) if ranked else ()
        condition = knowledge_base.condition(code)
        words, blocks = wording.likelihood(fit)
        form_code = form_that_fits_best(ranked) if ranked else None
        form = next((f for f in condition.forms if f.code == form_code), None)
        rows.append(
            {
                "code": code,
                "name": condition.name,
                "likelihood": words,
                "blocks": blocks,
                "summary": condition.summary,
                "form": wording.form_line(form.name, form.description) if form else "",
                "doctor_checks": condition.doctor_checks,
                "for": [
                    wording.statement(reason, knowledge_base, for_child=for_child)
                    for reason in reasons
                    if reason.direction == "for"
                ][:MAX_REASONS_SHOWN],
                "against": [
                    wording.statement(reason, knowledge_base, for_child=for_child)
                    for reason in reasons
                    if reason.direction == "against"
                ][:MAX_REASONS_SHOWN],
            }
        )
    return rows


def red_flag_concerns(reasons: Iterable[TriageReason]) -> list[str]:
    """The plain-words concerns of the red flags among ``reasons``, each once, in rule order."""
    concerns: list[str] = []
    for reason in reasons:
        concern = reason.concern.strip()
        if reason.kind is ReasonKind.RED_FLAG and concern and concern not in concerns:
            concerns.append(concern)
    return concerns


def _unanswered_questions(
    findings: Iterable[str], knowledge_base: KnowledgeBase, age: int | None
) -> list[str]:
    """The questions behind unanswered findings, worded for this age as the pages word them (a
    code the knowledge base does not know as is)."""
    questions: list[str] = []
    for code in findings:
        finding = knowledge_base.findings.get(code)
        questions.append(code if finding is None else wording_for(finding, age)[0])
    return questions


def _unanswered_warning_sign(
    sign: UnansweredWarningSign, knowledge_base: KnowledgeBase, age: int | None
) -> dict[str, Any]:
    card = wording.URGENCY_CARDS[sign.urgency]
    return {
        "level": card.level,
        "hidden_prefix": card.hidden_prefix,
        "heading": card.heading,
        "message": wording.unanswered_sign_message(sign.message, card),
        "concern": sign.concern.strip(),
        "questions": _unanswered_questions(sign.findings, knowledge_base, age),
    }


def _explanations(
    kept: KeptResult, assessment: Assessment
) -> tuple[Sequence[TriageReason], Sequence[UnansweredWarningSign]]:
    """The reasons for the level and the unanswered warning signs, from the version's assessment
    when it decided what was kept (always, unless the engine changed since); else only the signs
    that were kept, and no reasons rather than reasons for another level."""
    if assessment.triage is kept.triage:
        return assessment.triage_reasons, assessment.unanswered_warning_signs
    logger.warning("A kept assessment's level differs from its version's: shown as kept")
    signs = [s for s in assessment.unanswered_warning_signs if s.rule in kept.unanswered_rules]
    return (), signs


def result_context(kept: CompletedAssessment, stored: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the result and summary templates show, from the kept assessment (and the
    summary's answer lines and whether the wizard had to replace its version, kept in the
    session). ``ResultGone`` when it cannot be shown."""
    result = KeptResult.of(kept)
    knowledge_base, version_note = knowledge_base_of_version(result.version)
    assessment = assess(knowledge_base, _answers(result.answers, knowledge_base))
    reasons, signs = _explanations(result, assessment)
    card = wording.URGENCY_CARDS[result.triage]
    concern_line, concern_list = wording.concern_lines(red_flag_concerns(reasons))
    age = result.answers.get("age")
    person_age = age if isinstance(age, int) else None
    for_child = is_child(person_age)
    conditions = _condition_rows(result, assessment, knowledge_base, for_child=for_child)
    thresholds = knowledge_base.result_thresholds
    other_fits = result.other_causes >= thresholds.fits_probability
    other_words, other_blocks = wording.likelihood(fit_of(result.other_causes, thresholds))
    led_by_red_flag = any(reason.kind is ReasonKind.RED_FLAG for reason in reasons)
    duration = result.answers.get("duration_weeks")
    return {
        "card": card,
        "is_emergency": result.triage is Triage.EMERGENCY,
        "is_self_care": result.triage is Triage.SELF_CARE,
        "safety_net": wording.safety_net(duration if isinstance(duration, int | float) else None),
        "concern_line": concern_line,
        "concern_list": concern_list,
        # Each sentence once; lines the card does not need (a cause not on the list) left out.
        "reasons": [
            text
            for text in dict.fromkeys(
                wording.triage_reason_text(reason, knowledge_base, result.triage)
                for reason in reasons
            )
            if text
        ],
        # Most urgent first (the template groups them by level).
        "unanswered_warning_signs": [
            _unanswered_warning_sign(sign, knowledge_base, person_age)
            for sign in sorted(signs, key=lambda s: s.urgency.rank)
        ],
        "conditions_heading": (
            wording.CONDITIONS_AFTER_CONCERN_HEADING
            if led_by_red_flag
            else wording.CONDITIONS_HEADING_FOR_CHILD
            if for_child
            else wording.CONDITIONS_HEADING
        ),
        "not_a_diagnosis": str(
            wording.NOT_A_DIAGNOSIS_FOR_CHILD if for_child else wording.NOT_A_DIAGNOSIS
        ),
        "conditions": conditions,
        "nothing_fits": "" if conditions else str(wording.NOTHING_FITS),
        "other_causes": {
            "shown": other_fits,
            "name": wording.OTHER_CAUSES_NAME,
            "text": wording.OTHER_CAUSES_TEXT,
            "likelihood": other_words,
            "blocks": other_blocks,
        },
        "answer_lines": _answer_lines(stored),
        "interrupted": result.interrupted,
        "knowledge_base_version": result.version,
        # The wizard's own note first: the version it started under was replaced while the
        # person answered, so the kept version is the latest and needs no note of its own.
        "version_note": (
            str(wording.WIZARD_VERSION_REPLACED) if stored.get("version_replaced") else version_note
        ),
    }


def _answer_lines(stored: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    lines = stored.get("lines")
    if not isinstance(lines, list):
        return []
    return [line for line in lines if isinstance(line, Mapping)]
