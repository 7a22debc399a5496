"""The adaptive interview against the fixed questionnaire order: accuracy by questions asked.

Usage: .venv/bin/python benchmarks/interview_benchmark.py [FILE ...] [--knowledge DIR]
       [--policy NAME=VALUE ...] [--operating-points]

For each vignette file (by default vignettes/development.json, and ../shared/vignettes/public.json
when it exists beside the checkout) it prints, for a budget of N questions (age, sex and duration
count as the first three; N from 3 to every question), top-1, top-3 and exact urgency when the
simulated person (answers from the vignette, "not sure" to anything it does not state) is asked

- *adaptive*: the interview's questions (warning signs first, then the most useful) with its stop
  rule turned off, cut at N; and
- *fixed*: the first N − 3 findings in questionnaire order (section, then order),

then the interview as it runs (its own stop rule): the median and 90th percentile of questions
asked with the same figures, beside the full questionnaire. Issue 16's marks: median ≤ 15,
90th percentile ≤ 22, top-3 and exact urgency within 1 point of the full questionnaire, no
emergency missed, no more under-triage than the full questionnaire.

``--policy NAME=VALUE`` (repeatable) runs the interview with a scoring-policy figure changed
(``stop_min_gain=0.16``); ``--operating-points`` prints instead one line per policy of
``OPERATING_POINTS`` (the seeded one first, then the settings the note on the policy names),
with the marks each one meets, to show what one figure gains and what it costs.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))  # run as a script from anywhere

from robustness_benchmark import DEFAULT_FILES  # noqa: E402  (the same vignette files)

from conditions.engine import (  # noqa: E402
    Answers,
    Assessment,
    KnowledgeBase,
    Triage,
    answers_from_mapping,
    assess,
    knowledge_base_from_document,
)
from conditions.engine.interview import (  # noqa: E402
    InterviewPolicy,
    askable_findings,
    next_step,
)
from conditions.engine.knowledge import INTERVIEW_FIGURES  # noqa: E402
from conditions.evaluation import evaluate  # noqa: E402
from conditions.knowledge_file import read_knowledge_document  # noqa: E402


def never_stopping(policy: InterviewPolicy) -> InterviewPolicy:
    """Stop only at the budget: every answer is worth asking, so the curve shows the order."""
    return dataclasses.replace(
        policy,
        stop_top_probability=2.0,
        stop_min_gain=-1.0,
        min_questions=10**6,
        max_questions=10**6,
    )


def known(person: Answers, asked: Sequence[str]) -> Answers:
    """The simulated person's answers to ``asked`` ("not sure" to what the vignette omits)."""
    return Answers(
        age=person.age,
        sex=person.sex,
        duration_weeks=person.duration_weeks,
        findings={code: person.findings[code] for code in asked if code in person.findings},
    )


def adaptive_order(knowledge_base: KnowledgeBase, person: Answers) -> list[str]:
    """Every question the interview would ask, in its order, if it never stopped."""
    asked: list[str] = []
    while True:
        step = next_step(
            knowledge_base,
            known(person, asked),
            asked,
            never_stopping(knowledge_base.interview_policy),
        )
        if not step.questions:
            return asked
        asked.extend(step.questions)


def fixed_order(knowledge_base: KnowledgeBase, person: Answers) -> list[str]:
    """The findings in questionnaire order, within their age gates (follow-ups left out)."""
    return askable_findings(knowledge_base, person, frozenset())


def figures(cases: Sequence[tuple[dict, Assessment]]) -> tuple[float, float, float, int]:
    """(top-1, top-3, exact urgency, under-triaged cases) of final assessments."""
    top1 = top3 = exact = under = 0
    for vignette, assessment in cases:
        ranked = [row.code for row in assessment.conditions[:3]]
        expected = Triage(vignette["expected_triage"])
        top1 += ranked[:1] == [vignette["expected_top"]]
        top3 += vignette["expected_top"] in ranked
        exact += assessment.triage is expected
        under += expected.is_more_urgent_than(assessment.triage)
    count = len(cases) or 1
    return top1 / count, top3 / count, exact / count, under


def curve(
    knowledge_base: KnowledgeBase,
    people: Sequence[tuple[dict, Answers]],
    order: Callable[[KnowledgeBase, Answers], list[str]],
) -> dict[int, tuple[float, float, float, int]]:
    orders = [(vignette, person, order(knowledge_base, person)) for vignette, person in people]
    longest = max(len(asked) for _, _, asked in orders)
    return {
        knowledge_base.interview_policy.opening_questions + budget: figures(
            [
                (vignette, assess(knowledge_base, known(person, asked[:budget])))
                for vignette, person, asked in orders
            ]
        )
        for budget in range(longest + 1)
    }


def measure(knowledge_base: KnowledgeBase, path: Path) -> list[str]:
    vignettes = json.loads(path.read_text(encoding="utf-8"))
    people = [
        (vignette, answers_from_mapping(vignette["answers"], knowledge_base=knowledge_base))
        for vignette in vignettes
    ]
    adaptive = curve(knowledge_base, people, adaptive_order)
    fixed = curve(knowledge_base, people, fixed_order)
    lines = [
        f"{path.name}: {len(vignettes)} vignettes",
        f"{'questions':>9}  {'adaptive top-1 top-3 exact under':>34}  "
        f"{'fixed order top-1 top-3 exact under':>37}",
    ]
    for budget in sorted(set(adaptive) | set(fixed)):
        a = adaptive.get(budget, adaptive[max(adaptive)])
        f = fixed.get(budget, fixed[max(fixed)])
        lines.append(
            f"{budget:>9}  {a[0]:>13.1%} {a[1]:>6.1%} {a[2]:>6.1%} {a[3]:>5}  "
            f"{f[0]:>16.1%} {f[1]:>6.1%} {f[2]:>6.1%} {f[3]:>5}"
        )
    full = evaluate(knowledge_base, vignettes)
    run = evaluate(knowledge_base, vignettes, interview=knowledge_base.interview_policy)
    lines += [
        f"full questionnaire: top-1 {full.top1:.1%}, top-3 {full.top3:.1%}, exact urgency "
        f"{full.triage_exact:.1%}, under-triage {full.under_triage}, "
        f"emergencies missed {full.emergency_missed}",
        f"interview as it runs: questions median {run.questions_median:g}, "
        f"90th percentile {run.questions_p90:g}; top-1 {run.top1:.1%}, top-3 {run.top3:.1%}, "
        f"exact urgency {run.triage_exact:.1%}, under-triage {run.under_triage}, "
        f"emergencies missed {run.emergency_missed}",
        "",
    ]
    return lines


# Policies tried against the seeded one: each changes one or two figures of the scoring policy.
OPERATING_POINTS: tuple[dict[str, float], ...] = (
    {},
    {"max_questions": 18},
    {"max_questions": 20},
    {"max_questions": 30},
    {"stop_top_probability": 0.5},
    {"stop_top_probability": 0.7},
    {"stop_min_gain": 0.1},
    {"stop_min_gain": 0.16},
    {"stop_min_gain": 0.1, "max_questions": 20},
    {"page_size": 6, "page_share": 0.3},
)


def policy_setting(text: str) -> tuple[str, float]:
    """``NAME=VALUE`` for a figure of the interview policy (argparse type)."""
    name, _, value = text.partition("=")
    if name not in INTERVIEW_FIGURES:
        raise argparse.ArgumentTypeError(f"{name!r} is not a figure of the interview policy")
    try:
        return name, float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None


def operating_point(knowledge_base: KnowledgeBase, path: Path, changes: dict[str, float]) -> str:
    """One line: the interview with ``changes`` on one file, and which of issue 16's marks it
    meets against the full questionnaire."""
    vignettes = json.loads(path.read_text(encoding="utf-8"))
    full = evaluate(knowledge_base, vignettes)
    run = evaluate(
        knowledge_base,
        vignettes,
        interview=knowledge_base.interview_policy.with_figures(changes),
    )
    marks = {
        "median": run.questions_median <= 15,
        "p90": run.questions_p90 <= 22,
        "top-3": run.top3 >= full.top3 - 0.01,
        "exact": run.triage_exact >= full.triage_exact - 0.01,
        "under": run.under_triage <= full.under_triage and run.emergency_missed == 0,
    }
    missed = [name for name, met in marks.items() if not met]
    setting = " ".join(f"{name}={value:g}" for name, value in changes.items()) or "seeded"
    return (
        f"{path.name:<16} {setting:<40} {run.questions_median:>6g} {run.questions_p90:>4g} "
        f"{run.top1:>6.1%} {run.top3:>6.1%} {run.triage_exact:>6.1%} {run.under_triage:>5}  "
        + ("all marks met" if not missed else "misses " + ", ".join(missed))
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--knowledge", type=Path, default=REPOSITORY / "knowledge")
    parser.add_argument("--policy", type=policy_setting, action="append", default=[])
    parser.add_argument("--operating-points", action="store_true")
    arguments = parser.parse_args(argv)
    knowledge_base = knowledge_base_from_document(
        read_knowledge_document(arguments.knowledge), version=0
    )
    try:
        policy = knowledge_base.interview_policy.with_figures(dict(arguments.policy))
    except ValueError as error:
        parser.error(str(error))
    knowledge_base = dataclasses.replace(knowledge_base, interview_policy=policy)
    files = arguments.files or [path for path in DEFAULT_FILES if path.exists()]
    if arguments.operating_points:
        print(
            f"{'file':<16} {'policy':<40} {'median':>6} {'p90':>4} {'top-1':>6} {'top-3':>6} "
            f"{'exact':>6} {'under':>5}  issue 16's marks (against the full questionnaire)"
        )
        for changes in OPERATING_POINTS:
            for path in files:
                print(operating_point(knowledge_base, path, changes))
        return 0
    for path in files:
        for line in measure(knowledge_base, path):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
