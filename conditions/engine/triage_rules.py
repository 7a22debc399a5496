"""How urgently to see a professional: red-flag rules and the conditions that fit.

All policy is data (red-flag rules with their concerns and qualifiers, each condition's urgency
and self-care limit, the plausibility threshold); this module only applies it, as
triage-policy.md §1–§3 describe:

1. Red flags are floors. A rule fires when the age is within [min_age, max_age], the duration
   within [duration_min_weeks, duration_below_weeks) (an unknown duration counts as within: err
   to safety), every ``requires_present`` finding is answered yes, every ``requires_absent`` one
   is answered no (unknown is not no) and, when ``requires_any_of`` is not empty, one of them is
   answered yes. Every rule that fires brings its level; the conditions may still raise it.
2. The conditions that fit bring theirs. A named condition that ranks first or reaches
   ``plausible_probability`` brings its urgency ("ranks first" counts ``other_causes`` as a
   rival: below the threshold, the first named condition brings its level only when it is more
   likely than a cause not on the list); ``other_causes`` brings its urgency when it reaches the
   threshold, or when no named condition does. A class with ``self_care_max_duration_weeks``
   brings self_care instead when the duration is known and at most that limit, no finding that
   ``blocks_self_care`` is answered yes, and no emergency or same-day rule about a condition on
   the list (one with ``concern_conditions``) is open (step 4). The most urgent level wins.
3. The one exception to "floors only" (§1): a rule that fires with every ``qualifier_absent``
   finding answered no (a *confirmed* "can bear weight"; "not sure" confirms nothing) brings its
   own level in place of its ``concern_conditions``' levels, unless ``cap_unless_ranked_first``
   and the concern ranks first.
4. Unanswered warning signs (§3). A rule is *open* when it has not fired but could, because some
   of its findings are unanswered. An emergency-level condition whose emergency rules (those
   naming it in ``concern_conditions``) are open, with none of their warning findings answered
   yes, rests on nothing the person said about its warning signs: it brings a same-day level
   (``UNCONFIRMED_EMERGENCY_LEVEL``), not an emergency, and the decision names each open rule
   more urgent than the level, with the level it would bring and its ``if_unanswered`` message
   ("If you cannot put weight on the leg, call 999"). A 55-year-old answering "not sure" to
   everything is sent to a doctor today and told when to call 999, not sent to 999 on the
   priors of a broken hip alone; an 85-year-old who fell and is not sure she can stand (a
   warning finding answered yes) is an emergency.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .answers import Answers
from .knowledge import Condition, KnowledgeBase, RedFlagRule
from .triage import Triage, most_urgent

# While a warning sign that would make an emergency-level condition an emergency is unanswered,
# that condition asks for a doctor the same day (triage-policy.md §3: the level from what is
# known; the unanswered sign is named with the level it would bring).
UNCONFIRMED_EMERGENCY_LEVEL = Triage.URGENT
_SAME_DAY_OR_SOONER = (Triage.EMERGENCY, Triage.URGENT)


class ReasonKind(enum.StrEnum):
    """What brought a triage level."""

    RED_FLAG = "red_flag"  # a red-flag rule fired (every rule is a floor)
    CONDITION = "condition"  # a condition ranked first or reached the threshold
    CAPPED = "capped"  # a condition's level replaced by a qualified rule's (can bear weight)
    UNCONFIRMED = "unconfirmed"  # an emergency-level condition whose warning signs are unanswered
    SELF_CARE = "self_care"  # a condition that fits allows self-care at this duration
    DEFAULT = "default"  # no named condition reached the threshold: other causes' level


@dataclass(frozen=True, slots=True)
class TriageReason:
    """One reason for the triage level: a rule or a condition, and the level it brings.

    ``message`` is the curators' own words for the person: a rule's message (red flag, or the
    rule that caps a condition's level); it is empty for the other kinds, which
    ``questionnaire.wording`` puts into words from ``kind``, ``code`` and ``ranked_first``.
    ``reason`` is the why, for curators (figures included); ``concern`` is a fired rule's
    concern in plain words (empty for conditions).
    """

    kind: ReasonKind
    code: str
    urgency: Triage
    message: str
    reason: str
    probability: float | None = None
    concern: str = ""
    ranked_first: bool = False  # a condition's reason: it ranks first (else: also plausible)


@dataclass(frozen=True, slots=True)
class UnansweredWarningSign:
    """A red-flag rule that could still fire: its unanswered findings and the level it would bring.

    Named only when that level is more urgent than the decided one.
    """

    rule: str
    findings: tuple[str, ...]
    urgency: Triage
    message: str
    concern: str


@dataclass(frozen=True, slots=True)
class TriageDecision:
    """The level, the reasons that determine it, the rules that fired and the open ones."""

    level: Triage
    reasons: tuple[TriageReason, ...]
    fired_red_flags: tuple[str, ...]
    unanswered_warning_signs: tuple[UnansweredWarningSign, ...] = ()


def _within_age_and_duration(rule: RedFlagRule, answers: Answers) -> bool:
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
    return True


def rule_fires(rule: RedFlagRule, answers: Answers) -> bool:
    """Whether ``rule``'s age, duration and finding conditions all hold for ``answers``."""
    if not _within_age_and_duration(rule, answers):
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


def unanswered_findings(rule: RedFlagRule, answers: Answers) -> tuple[str, ...]:
    """The unanswered findings whose answers could still make ``rule`` fire; () if none can.

    Empty when the rule fires already, or when an answer given rules it out (a finding it needs
    answered no, every "any of" finding answered no, the age or the duration outside its range).
    """
    if not _within_age_and_duration(rule, answers):
        return ()
    findings = answers.findings
    if any(findings.get(code) is False for code in rule.requires_present) or any(
        findings.get(code) is True for code in rule.requires_absent
    ):
        return ()
    missing = [code for code in rule.requires_present if code not in findings]
    missing += [code for code in rule.requires_absent if code not in findings]
    if rule.requires_any_of and not any(
        findings.get(code) is True for code in rule.requires_any_of
    ):
        any_unknown = [code for code in rule.requires_any_of if code not in findings]
        if not any_unknown:
            return ()
        missing += any_unknown
    return tuple(missing)


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
    findings = answers.findings
    fired: list[RedFlagRule] = []
    open_rules: dict[str, tuple[RedFlagRule, tuple[str, ...]]] = {}
    for rule in knowledge_base.red_flag_rules:
        if rule_fires(rule, answers):
            fired.append(rule)
        else:
            missing = unanswered_findings(rule, answers)
            if missing:
                open_rules[rule.code] = (rule, missing)

    caps: dict[str, RedFlagRule] = {}
    for rule in fired:
        if rule.qualifier_absent and all(
            findings.get(code) is False for code in rule.qualifier_absent
        ):
            for code in rule.concern_conditions:
                held = caps.get(code)
                if held is None or rule.urgency.is_more_urgent_than(held.urgency):
                    caps[code] = rule

    # Self-care is never advised while a same-day or emergency warning sign of a condition on
    # the list is unknown (a fall, a temperature, standing on the leg): unknown is not "no".
    self_care_blocked = any(
        rule.concern_conditions and rule.urgency in _SAME_DAY_OR_SOONER
        for rule, _ in open_rules.values()
    ) or any(findings.get(code) is True for code in knowledge_base.blocks_self_care)
    unconfirmed = _unconfirmed_emergencies(knowledge_base, findings, open_rules)
    context = _ConditionContext(
        knowledge_base=knowledge_base,
        answers=answers,
        caps=caps,
        unconfirmed=unconfirmed,
        self_care_blocked=self_care_blocked,
    )
    steps = [_rule_reason(rule) for rule in fired]
    steps += _condition_steps(context, ranked, other_causes_probability)
    level = most_urgent(step.urgency for step in steps)

    return TriageDecision(
        level=level,
        reasons=tuple(step for step in steps if step.urgency == level),
        fired_red_flags=tuple(rule.code for rule in fired),
        unanswered_warning_signs=tuple(
            UnansweredWarningSign(
                rule=rule.code,
                findings=missing,
                urgency=rule.urgency,
                message=rule.if_unanswered,
                concern=rule.concern,
            )
            for rule, missing in open_rules.values()
            if rule.urgency.is_more_urgent_than(level)
        ),
    )


def _unconfirmed_emergencies(
    knowledge_base: KnowledgeBase,
    findings: Mapping[str, bool],
    open_rules: Mapping[str, tuple[RedFlagRule, tuple[str, ...]]],
) -> frozenset[str]:
    """Emergency-level conditions whose emergency rules are open with no warning sign said yes."""
    guards: dict[str, list[RedFlagRule]] = {}
    for rule in knowledge_base.red_flag_rules:
        if rule.urgency is Triage.EMERGENCY:
            for code in rule.concern_conditions:
                guards.setdefault(code, []).append(rule)
    return frozenset(
        code
        for code, rules in guards.items()
        if any(rule.code in open_rules for rule in rules)
        and not any(
            findings.get(finding) is True for rule in rules for finding in rule.warning_findings
        )
    )


@dataclass(frozen=True, slots=True)
class _ConditionContext:
    knowledge_base: KnowledgeBase
    answers: Answers
    caps: Mapping[str, RedFlagRule]
    unconfirmed: frozenset[str]
    self_care_blocked: bool


def _condition_steps(
    context: _ConditionContext,
    ranked: Iterable[tuple[Condition, float]],
    other_causes_probability: float,
) -> list[TriageReason]:
    knowledge_base, answers = context.knowledge_base, context.answers
    threshold = knowledge_base.plausible_probability
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
        steps.append(_condition_step(context, condition, probability, first=position == 0))

    other_causes = knowledge_base.other_causes
    if other_causes_probability >= threshold or not any_named_reaches_threshold:
        if _allows_self_care(other_causes, answers, context.self_care_blocked):
            steps.append(_self_care_reason(other_causes, other_causes_probability, answers))
        elif other_causes_probability >= threshold:
            steps.append(_condition_reason(other_causes, other_causes_probability, first=False))
        else:
            steps.append(
                TriageReason(
                    kind=ReasonKind.DEFAULT,
                    code=other_causes.code,
                    urgency=other_causes.urgency,
                    message="",
                    reason=(
                        f"No named condition reaches {threshold:.0%}: the level of other causes "
                        "applies."
                    ),
                    probability=other_causes_probability,
                )
            )
    return steps


def _condition_step(
    context: _ConditionContext, condition: Condition, probability: float, *, first: bool
) -> TriageReason:
    cap = context.caps.get(condition.code)
    if (
        cap is not None
        and condition.urgency.is_more_urgent_than(cap.urgency)
        and not (cap.cap_unless_ranked_first and first)
    ):
        return TriageReason(
            kind=ReasonKind.CAPPED,
            code=condition.code,
            urgency=cap.urgency,
            message=cap.message,
            reason=(
                f"{condition.code} ({probability:.1%}) is covered by {cap.code}: "
                f"{', '.join(cap.qualifier_absent)} answered no, so its level is {cap.urgency}."
            ),
            probability=probability,
            concern=cap.concern,
        )
    if condition.urgency is Triage.EMERGENCY and condition.code in context.unconfirmed:
        return TriageReason(
            kind=ReasonKind.UNCONFIRMED,
            code=condition.code,
            urgency=UNCONFIRMED_EMERGENCY_LEVEL,
            message="",
            reason=(
                f"{condition.code} ({probability:.1%}) is an emergency only with its warning "
                f"signs, which are unanswered: {UNCONFIRMED_EMERGENCY_LEVEL} until they are known."
            ),
            probability=probability,
        )
    if _allows_self_care(condition, context.answers, context.self_care_blocked):
        return _self_care_reason(condition, probability, context.answers)
    return _condition_reason(condition, probability, first=first)


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
        kind=ReasonKind.RED_FLAG,
        code=rule.code,
        urgency=rule.urgency,
        message=rule.message,
        reason=rule.reason,
        concern=rule.concern,
    )


def _condition_reason(condition: Condition, probability: float, *, first: bool) -> TriageReason:
    # Only the curator-facing ``reason`` carries the figure (the scores are not calibrated).
    if first:
        why = f"{condition.code} ranks first ({probability:.1%}); its level is {condition.urgency}."
    else:
        why = (
            f"{condition.code} reaches {probability:.1%}, enough to be plausible; its level is "
            f"{condition.urgency}."
        )
    return TriageReason(
        kind=ReasonKind.CONDITION,
        code=condition.code,
        urgency=condition.urgency,
        message="",
        reason=why,
        probability=probability,
        ranked_first=first,
    )


def _self_care_reason(condition: Condition, probability: float, answers: Answers) -> TriageReason:
    return TriageReason(
        kind=ReasonKind.SELF_CARE,
        code=condition.code,
        urgency=Triage.SELF_CARE,
        message="",
        reason=(
            f"{condition.code}: pain for {answers.duration_weeks:g} weeks, within its self-care "
            f"limit of {condition.self_care_max_duration_weeks:g} weeks, and no finding that "
            "rules out self-care."
        ),
        probability=probability,
    )
