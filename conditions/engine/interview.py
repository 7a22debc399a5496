"""The adaptive interview: which questions to ask next, and when the answers are clear enough.

A pure function over the engine (shared/adaptive-interview.md §5):

1. *Warning signs first.* The red-flag rules that could still fire and would make the level more
   urgent than the one decided so far are asked about before anything else, on one page of up
   to ``warning_page_size``, and the interview never stops while one is open. A rule is closed by
   one "no" to a finding it requires, so each open rule first asks one of those (the fewest that
   cover every open rule: a temperature, a fall, numbness, a cancer); its other findings ("can
   you put weight on it?", night pain, weight loss) come on the next page only if that answer
   left it open ("yes" or "not sure"). An adult with no warning sign answers four of them on one
   page, not seven on three; one who fell is asked on the next page whether they can put weight
   on the leg. A "not sure" that has a follow-up (a temperature → "do you feel hot or
   shivery?") is followed up at once, on its own page.
2. *Then the most useful question*: the finding with the largest expected information gain over
   the engine's current posterior, on the conditions plus on the urgency levels they bring
   (U = EIG(conditions) + EIG(urgency), in bits, each answer weighted by how often people with
   hip pain can answer it). Questions are asked a page at a time: the best one with the others
   of its section that are nearly as useful (``InterviewPolicy.page_share``), at most
   ``page_size``.
3. *Stop* when none of the above is pending and the answers are clear: the first condition is
   confident (``stop_top_probability`` and ``stop_top_ratio`` over the second), or no question
   left is worth ``stop_min_gain`` bits, or no single answer left could change the urgency or
   the top three, or ``max_questions`` have been asked; never before ``min_questions``.

The opening questions (age, sex, how long, which side: ``opening_questions``) count first.
Deterministic: ties go to the
finding asked earlier in the full questionnaire (``SECTION_ORDER``, then order, then code).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from .answers import Answers
from .assessment import Assessment, assess, triage_and_leaders
from .knowledge import Finding, InterviewPolicy, KnowledgeBase
from .knowledge_format import QUESTIONNAIRE_SECTIONS
from .people import Population, population_for_age
from .triage_rules import unanswered_findings

# The questionnaire's sections in the order a person meets them, as the knowledge document
# declares them: ties between questions go to the earlier.
SECTION_ORDER = QUESTIONNAIRE_SECTIONS
_SECTION_POSITION = {section: position for position, section in enumerate(SECTION_ORDER)}


class StopReason(enum.StrEnum):
    """Why the interview may stop (or ``NOT_YET``)."""

    NOT_YET = "not_yet"
    CONFIDENT = "confident"
    NOTHING_USEFUL_LEFT = "nothing_useful_left"
    NOTHING_CAN_CHANGE = "nothing_can_change"
    MAXIMUM_REACHED = "maximum_reached"
    ALL_ASKED = "all_asked"


@dataclass(frozen=True, slots=True)
class InterviewStep:
    """What to ask next (finding codes, one page), or that the interview may stop."""

    questions: tuple[str, ...]
    should_stop: bool
    reason: StopReason
    warning_signs: bool  # the questions are warning signs asked first
    asked: int  # questions asked so far, age, sex and duration included
    assessment: Assessment


def next_step(
    knowledge_base: KnowledgeBase,
    answers: Answers,
    asked: Collection[str],
    policy: InterviewPolicy | None = None,
) -> InterviewStep:
    """The next page of questions for ``answers``; ``asked`` holds every finding already asked
    (answered yes or no, or "not sure"). A finding in ``answers.findings`` counts as asked."""
    policy = policy or knowledge_base.interview_policy
    asked = frozenset(asked) | frozenset(answers.findings)
    assessment = assess(knowledge_base, answers)
    count = policy.opening_questions + len(asked)

    def step(questions: Sequence[str], stop: bool, reason: StopReason, warning: bool = False):
        return InterviewStep(tuple(questions), stop, reason, warning, count, assessment)

    candidates = askable_findings(knowledge_base, answers, asked)
    follow_ups = _pending_follow_ups(knowledge_base, answers, asked)
    # A follow-up comes first (it rephrases what was just asked), then the other warning signs.
    signs = _pending_warning_signs(knowledge_base, answers, assessment, candidates)
    warning = [
        *follow_ups,
        *sorted(signs - set(follow_ups), key=lambda code: _order(knowledge_base.findings[code])),
    ]
    if warning:
        return step(_warning_page(knowledge_base, warning, policy), False, StopReason.NOT_YET, True)
    if not candidates:
        return step((), True, StopReason.ALL_ASKED)
    if count >= policy.max_questions:
        return step((), True, StopReason.MAXIMUM_REACHED)

    gains = _gains(knowledge_base, answers, assessment, candidates, policy)
    urgency_changers, top_three_changers = _what_one_answer_changes(
        knowledge_base, answers, assessment, candidates
    )
    # Questions whose one answer would change the urgency come first: the level is what the
    # person acts on. Then the most informative.
    pool = urgency_changers or candidates
    best = pool[0]
    for code in pool:  # in questionnaire order: the earlier one wins a tie
        if gains[code] > gains[best]:
            best = code
    if count >= policy.min_questions and not urgency_changers:
        reason = _stop_reason(assessment, gains, bool(top_three_changers), policy)
        if reason is not StopReason.NOT_YET:
            return step((), True, reason)
    page = _page(knowledge_base, best, pool, gains, policy)
    # A page never takes the interview past its maximum (warning signs excepted, above).
    return step(page[: max(policy.max_questions - count, 1)], False, StopReason.NOT_YET)


def _order(finding: Finding) -> tuple[int, str, int, str]:
    """Questionnaire order: section, the curators' order within it, then code."""
    position = _SECTION_POSITION.get(finding.section, len(SECTION_ORDER))
    return (position, finding.section, finding.order, finding.code)


def askable_findings(
    knowledge_base: KnowledgeBase, answers: Answers, asked: frozenset[str]
) -> list[str]:
    """Findings that may be asked of this person and have not been: within their age gates,
    not a follow-up (asked only after a "not sure"), in questionnaire order."""
    follow_up_codes = set(knowledge_base.follow_ups.values())
    findings = [
        finding
        for code, finding in knowledge_base.findings.items()
        if code not in asked
        and code not in follow_up_codes
        and (finding.min_age is None or answers.age >= finding.min_age)
        and (finding.max_age is None or answers.age <= finding.max_age)
    ]
    return [finding.code for finding in sorted(findings, key=_order)]


def _pending_follow_ups(
    knowledge_base: KnowledgeBase, answers: Answers, asked: frozenset[str]
) -> list[str]:
    return [
        follow_up
        for finding, follow_up in knowledge_base.follow_ups.items()
        if finding in asked and finding not in answers.findings and follow_up not in asked
    ]


def _pending_warning_signs(
    knowledge_base: KnowledgeBase,
    answers: Answers,
    assessment: Assessment,
    candidates: list[str],
) -> set[str]:
    """The warning signs to ask now, among the rules that could still fire and would raise the
    level: the fewest findings whose one answer closes each rule ("no" to a finding it requires,
    "yes" to one it requires absent; greedy cover: the finding most open rules need, ties in
    questionnaire order), and every "any of" finding of a rule that has only those left (all of
    them must be "no" to close it). A rule's other findings come on a later page, only if the
    answer left it open."""
    askable = set(candidates)
    to_close: list[frozenset[str]] = []  # per open rule, one answer to any of these closes it
    signs: set[str] = set()
    for rule in knowledge_base.red_flag_rules:
        if not rule.urgency.is_more_urgent_than(assessment.triage):
            continue
        open_findings = [code for code in unanswered_findings(rule, answers) if code in askable]
        required = frozenset(
            code
            for code in open_findings
            if code in rule.requires_present or code in rule.requires_absent
        )
        if required:
            to_close.append(required)
        else:
            signs.update(open_findings)
    to_close = [required for required in to_close if not required & signs]
    while to_close:
        counts: dict[str, int] = {}
        for required in to_close:
            for code in required:
                counts[code] = counts.get(code, 0) + 1
        gate = min(counts, key=lambda code: (-counts[code], _order(knowledge_base.findings[code])))
        signs.add(gate)
        to_close = [required for required in to_close if gate not in required]
    return signs


def _warning_page(
    knowledge_base: KnowledgeBase, ordered: Sequence[str], policy: InterviewPolicy
) -> list[str]:
    """The warning page: a follow-up on its own, else the first ``warning_page_size`` signs."""
    if ordered[0] in knowledge_base.follow_ups.values():
        return [ordered[0]]  # a follow-up is asked on its own, straight after the question
    return list(ordered[: max(policy.warning_page_size, 1)])


def _page(
    knowledge_base: KnowledgeBase,
    best: str,
    candidates: Sequence[str],
    gains: Mapping[str, float],
    policy: InterviewPolicy,
) -> list[str]:
    section = knowledge_base.findings[best].section
    floor = max(gains[best] * policy.page_share, policy.stop_min_gain)
    others = sorted(
        (
            code
            for code in candidates
            if code != best
            and knowledge_base.findings[code].section == section
            and gains[code] >= floor
        ),
        key=lambda code: (-gains[code], _order(knowledge_base.findings[code])),
    )
    page = [best, *others[: max(policy.page_size - 1, 0)]]
    return sorted(page, key=lambda code: _order(knowledge_base.findings[code]))


def _entropy(probabilities: Sequence[float]) -> float:
    return -math.fsum(p * math.log2(p) for p in probabilities if p > 0.0)


def _class_view(knowledge_base: KnowledgeBase, assessment: Assessment):
    """(codes, posteriors, urgency of each) for the named conditions and other_causes."""
    rows = [*assessment.conditions, assessment.other_causes_detail]
    codes = [row.code for row in rows]
    posteriors = [row.probability for row in rows]
    urgencies = [knowledge_base.condition(code).urgency for code in codes]
    return codes, posteriors, urgencies


def _yes_probabilities(
    knowledge_base: KnowledgeBase, code: str, classes: Sequence[str], population: Population
) -> list[float]:
    """P(yes | class) for each class: its evidence row, else the finding's baseline."""
    memo = knowledge_base.score_tables.contribution_memo
    key = ("interview-yes", population, code)
    cached = memo.get(key)
    if cached is None:
        baseline = knowledge_base.findings[code].baseline(population)
        by_class = {}
        for condition in (*knowledge_base.conditions, knowledge_base.other_causes):
            row = condition.evidence_row(code, population)
            by_class[condition.code] = baseline if row is None else row.probability
        cached = memo.setdefault(key, by_class)
    return [cached[name] for name in classes]


def _gains(
    knowledge_base: KnowledgeBase,
    answers: Answers,
    assessment: Assessment,
    candidates: Sequence[str],
    policy: InterviewPolicy,
) -> dict[str, float]:
    """Expected information gain (bits) on the conditions plus on the urgency, per candidate."""
    codes, posteriors, urgencies = _class_view(knowledge_base, assessment)
    levels = sorted(set(urgencies), key=lambda level: level.rank)
    level_index = [levels.index(level) for level in urgencies]

    def by_level(weights: Sequence[float]) -> list[float]:
        totals = [0.0] * len(levels)
        for index, weight in zip(level_index, weights, strict=True):
            totals[index] += weight
        return totals

    entropy_now = _entropy(posteriors) + _entropy(by_level(posteriors))
    population = population_for_age(answers.age)
    gains = {}
    for code in candidates:
        yes = _yes_probabilities(knowledge_base, code, codes, population)
        expected = 0.0
        for answer_yes in (True, False):
            joint = [
                p * (q if answer_yes else 1.0 - q) for p, q in zip(posteriors, yes, strict=True)
            ]
            total = math.fsum(joint)
            if total <= 0.0:
                continue
            after = [weight / total for weight in joint]
            expected += total * (_entropy(after) + _entropy(by_level(after)))
        gains[code] = max(entropy_now - expected, 0.0) * (1.0 - policy.not_sure_share)
    return gains


def _stop_reason(
    assessment: Assessment,
    gains: Mapping[str, float],
    top_three_can_change: bool,
    policy: InterviewPolicy,
) -> StopReason:
    """Why the interview may stop now (no answer left can change the urgency), or ``NOT_YET``:
    confident, nothing useful left, or no answer could change the top three either."""
    ranked = assessment.conditions
    if ranked:
        top = ranked[0].probability
        second = ranked[1].probability if len(ranked) > 1 else 0.0
        if top >= policy.stop_top_probability and top >= policy.stop_top_ratio * second:
            return StopReason.CONFIDENT
    if max(gains.values(), default=0.0) < policy.stop_min_gain:
        return StopReason.NOTHING_USEFUL_LEFT
    if not top_three_can_change:
        return StopReason.NOTHING_CAN_CHANGE
    return StopReason.NOT_YET


def _what_one_answer_changes(
    knowledge_base: KnowledgeBase,
    answers: Answers,
    assessment: Assessment,
    candidates: Sequence[str],
) -> tuple[list[str], list[str]]:
    """The candidates whose one yes or no would change (the urgency, the top three)."""
    level = assessment.triage
    top_three = frozenset(row.code for row in assessment.conditions[:3])
    urgency, ranking = [], []
    for code in candidates:
        for value in (True, False):
            changed_level, leaders = triage_and_leaders(
                knowledge_base,
                Answers(
                    age=answers.age,
                    sex=answers.sex,
                    duration_weeks=answers.duration_weeks,
                    findings={**answers.findings, code: value},
                ),
            )
            if changed_level is not level:
                urgency.append(code)
                break
            if frozenset(leaders) != top_three:
                ranking.append(code)
                break
    return urgency, ranking


def simulate(
    knowledge_base: KnowledgeBase,
    person: Answers,
    policy: InterviewPolicy | None = None,
) -> tuple[Assessment, tuple[tuple[str, ...], ...], StopReason]:
    """Run the interview for a simulated person who answers from ``person`` and is "not sure"
    of every finding ``person`` does not state. Returns the final assessment, the pages asked
    and why it stopped."""
    policy = policy or knowledge_base.interview_policy
    known: dict[str, bool] = {}
    asked: set[str] = set()
    pages: list[tuple[str, ...]] = []
    while True:
        answers = Answers(
            age=person.age, sex=person.sex, duration_weeks=person.duration_weeks, findings=known
        )
        step = next_step(knowledge_base, answers, asked, policy)
        if step.should_stop or not step.questions:
            return step.assessment, tuple(pages), step.reason
        pages.append(step.questions)
        for code in step.questions:
            asked.add(code)
            if code in person.findings:
                known[code] = person.findings[code]
