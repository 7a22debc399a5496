"""How urgently to see a professional: red-flag rules first, then the conditions that fit.

All policy is data (red-flag rules, each condition's urgency and self-care limit, the
plausibility threshold); this module only applies it, as triage-policy.md describes:

1. Red flags. A rule fires when the age is within [min_age, max_age], the duration within
   [duration_min_weeks, duration_below_weeks) (an unknown duration counts as within: err to
   safety), every ``requires_present`` finding is answered yes, every ``requires_absent`` one is
   answered no (unknown is not no) and, when ``requires_any_of`` is not empty, one of them is
   answered yes. The most urgent non-floor rule that fires sets the level.
2. Otherwise the conditions that fit set it. A named condition that ranks first or reaches
   ``plausible_probability`` brings its urgency ("ranks first" counts ``other_causes`` as a
   rival: below the threshold, the first named condition brings its level only when it is more
   likely than a cause not on the list); ``other_causes`` brings its urgency when it
   reaches the threshold, or when no named condition does ("nothing on the list clearly fits").
   A class with ``self_care_max_duration_weeks`` brings self_care instead when the duration is
   known and at most that limit and no finding that ``blocks_self_care`` is answered yes; never
   when the duration is unknown. The most urgent level brought wins.
3. Floor rules that fire ("at least soon") then raise the level to their own if it is lower.

Judgement call on step 1: a non-floor red flag sets the level "whatever the ranking says";
no condition raises or lowers it, not even an emergency-level condition ranked first. The
policy's urgent rules were written for exactly the people in whom such a condition ranks first:
"age 65 or over with a recent injury, able to bear weight" (hip fracture ranks first, 30–55% on
the seeded knowledge base) and "adult with fever, able to bear weight" (septic arthritis can
rank first) are sent to a doctor the same day, not to the emergency department. Letting the
top condition raise them would over-triage those patterns systematically, against the policy.
Safety does not depend on it: each emergency-level condition has emergency rules for its
dangerous presentations (unable to bear weight after an injury or with fever, a child with
fever), and without a non-floor red flag an emergency-level condition that ranks first or is
plausible still brings emergency (step 2).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from .answers import Answers
from .knowledge import Condition, KnowledgeBase, RedFlagRule
from .triage import Triage, most_urgent


class ReasonKind(enum.StrEnum):
    """What brought a triage level."""

    RED_FLAG = "red_flag"  # a non-floor red-flag rule fired
    RED_FLAG_FLOOR = "red_flag_floor"  # a floor rule fired ("at least" this level)
    CONDITION = "condition"  # a condition ranked first or reached the threshold
    SELF_CARE = "self_care"  # a condition that fits allows self-care at this duration
    DEFAULT = "default"  # no named condition reached the threshold: other causes' level


@dataclass(frozen=True, slots=True)
class TriageReason:
    """One reason for the triage level: a rule or a condition, and the level it brings.

    ``message`` is for the person (the rule's message, or a sentence naming the condition);
    ``reason`` is the why, for the result page and curators.
    """

    kind: ReasonKind
    code: str
    urgency: Triage
    message: str
    reason: str
    probability: float | None = None


@dataclass(frozen=True, slots=True)
class TriageDecision:
    """The level, the reasons that determine it, and every red-flag rule that fired."""

    level: Triage
    reasons: tuple[TriageReason, ...]
    fired_red_flags: tuple[str, ...]


def rule_fires(rule: RedFlagRule, answers: Answers) -> bool:
    """Whether ``rule``'s age, duration and finding conditions all hold for ``answers``."""
    if rule.min_age is not None and answers.age < rule.min_age:
        return False
    if rule.max_age is not None and answers.age > rule.max_age:
        return False
    duration = answers.duration_weeks
    if duration is not None:
        if rule.duration_min_weeks is not None and duration < rule.duration_min_weeks:
            return False
        if rule.duration_below_weeks is not None and duration >= rule.duration_below_weeks:
            return False
    findings = answers.findings
    return (
        all(findings.get(code) is True for code in rule.requires_present)
        and all(findings.get(code) is False for code in rule.requires_absent)
        and (
            not rule.requires_any_of
            or any(findings.get(code) is True for code in rule.requires_any_of)
        )
    )


def decide_triage(
    knowledge_base: KnowledgeBase,
    answers: Answers,
    ranked: Iterable[tuple[Condition, float]],
    other_causes_probability: float,
) -> TriageDecision:
    """Apply the triage policy to ``answers`` and the ranked named conditions.

    ``ranked`` yields the named conditions with their posteriors, most probable first; it is
    read only as far as the plausibility threshold.
    """
    fired = [rule for rule in knowledge_base.red_flag_rules if rule_fires(rule, answers)]
    setting = [rule for rule in fired if not rule.is_floor]
    floors = [rule for rule in fired if rule.is_floor]

    if setting:
        steps = [_rule_reason(rule) for rule in setting]
        level = most_urgent(rule.urgency for rule in setting)
    else:
        steps = _condition_steps(knowledge_base, answers, ranked, other_causes_probability)
        level = most_urgent(step.urgency for step in steps)

    for rule in floors:
        steps.append(_rule_reason(rule))
        if rule.urgency.is_more_urgent_than(level):
            level = rule.urgency

    return TriageDecision(
        level=level,
        reasons=tuple(step for step in steps if step.urgency == level),
        fired_red_flags=tuple(rule.code for rule in fired),
    )


def _condition_steps(
    knowledge_base: KnowledgeBase,
    answers: Answers,
    ranked: Iterable[tuple[Condition, float]],
    other_causes_probability: float,
) -> list[TriageReason]:
    threshold = knowledge_base.plausible_probability
    self_care_blocked = any(
        answers.findings.get(code) is True for code in knowledge_base.blocks_self_care
    )
    steps = []
    any_named_reaches_threshold = False
    for position, (condition, probability) in enumerate(ranked):
        if probability >= threshold:
            any_named_reaches_threshold = True
        elif position > 0 or probability < other_causes_probability:
            # Ranked by probability: no later condition reaches the threshold either. Below the
            # threshold, the first named condition only "ranks first" if it is also more likely
            # than a cause not on the list: a 3% hip fracture behind 92% other causes (a young
            # athlete's strain) must not send the person to an emergency department.
            break
        if _allows_self_care(condition, answers, self_care_blocked):
            steps.append(_self_care_reason(condition, probability, answers))
        else:
            steps.append(_condition_reason(condition, probability, first=position == 0))

    other_causes = knowledge_base.other_causes
    if other_causes_probability >= threshold or not any_named_reaches_threshold:
        if _allows_self_care(other_causes, answers, self_care_blocked):
            steps.append(_self_care_reason(other_causes, other_causes_probability, answers))
        elif other_causes_probability >= threshold:
            steps.append(_condition_reason(other_causes, other_causes_probability, first=False))
        else:
            steps.append(
                TriageReason(
                    kind=ReasonKind.DEFAULT,
                    code=other_causes.code,
                    urgency=other_causes.urgency,
                    message="None of the listed conditions clearly fits your answers.",
                    reason=(
                        f"No named condition reaches {threshold:.0%}: the level of other causes "
                        "applies."
                    ),
                    probability=other_causes_probability,
                )
            )
    return steps


def _allows_self_care(condition: Condition, answers: Answers, self_care_blocked: bool) -> bool:
    limit = condition.self_care_max_duration_weeks
    return (
        limit is not None
        and answers.duration_weeks is not None
        and answers.duration_weeks <= limit
        and not self_care_blocked
    )


def _rule_reason(rule: RedFlagRule) -> TriageReason:
    return TriageReason(
        kind=ReasonKind.RED_FLAG_FLOOR if rule.is_floor else ReasonKind.RED_FLAG,
        code=rule.code,
        urgency=rule.urgency,
        message=rule.message,
        reason=rule.reason,
    )


def _condition_reason(condition: Condition, probability: float, *, first: bool) -> TriageReason:
    name = "A cause not on this list" if condition.is_other_causes else condition.name
    # The patient's message carries no percentage (the scores are not calibrated); the
    # curator-facing ``reason`` keeps the figure.
    if first:
        message = f"{name} fits your answers best."
        why = f"{condition.code} ranks first ({probability:.1%}); its level is {condition.urgency}."
    else:
        message = f"{name} also fits your answers."
        why = (
            f"{condition.code} reaches {probability:.1%}, enough to be plausible; its level is "
            f"{condition.urgency}."
        )
    return TriageReason(
        kind=ReasonKind.CONDITION,
        code=condition.code,
        urgency=condition.urgency,
        message=message,
        reason=why,
        probability=probability,
    )


def _self_care_reason(condition: Condition, probability: float, answers: Answers) -> TriageReason:
    name = "A cause not on this list" if condition.is_other_causes else condition.name
    return TriageReason(
        kind=ReasonKind.SELF_CARE,
        code=condition.code,
        urgency=Triage.SELF_CARE,
        message=(
            f"{name} fits your answers; pain like this that began recently, "
            "with no sign of inflammation, usually settles with self-care."
        ),
        reason=(
            f"{condition.code}: pain for {answers.duration_weeks:g} weeks, within its self-care "
            f"limit of {condition.self_care_max_duration_weeks:g} weeks, and no finding that "
            "rules out self-care."
        ),
        probability=probability,
    )
