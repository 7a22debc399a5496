"""Time ``assess``: the seeded knowledge base and synthetic ones of 1,000 and 10,000 conditions.

Usage: .venv/bin/python benchmarks/engine_benchmark.py [--knowledge PATH]

PATH is the knowledge/ directory of YAML files (merged as docs/knowledge-format.md says) or one
merged JSON/YAML document; by default the repository's knowledge/ directory. Each figure is the
median over many runs of one ``assess`` call with a realistic set of answers (about 20 answered
findings, age, sex and a duration). Synthetic knowledge bases are random but seeded, so runs are
comparable; each condition has 20–40 evidence rows over 500 findings.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))  # run as a script from anywhere

from conditions.engine import (  # noqa: E402
    Answers,
    KnowledgeBase,
    Sex,
    assess,
    knowledge_base_from_document,
)
from conditions.knowledge_file import KnowledgeFileError, read_knowledge_document  # noqa: E402

SEED = 20251125
BANDS = [
    {"code": "0-3", "min_age": 0, "max_age": 3},
    {"code": "4-9", "min_age": 4, "max_age": 9},
    {"code": "10-15", "min_age": 10, "max_age": 15},
    {"code": "16-49", "min_age": 16, "max_age": 49},
    {"code": "50+", "min_age": 50, "max_age": 120},
]
SOURCE = {"reference": None, "expert_estimate": True, "note": ""}


def synthetic_document(conditions: int, findings: int, rng: random.Random) -> dict[str, Any]:
    """A random knowledge document of the given size, shaped like the real one."""
    finding_codes = [f"finding_{n:04}" for n in range(findings)]
    finding_entries = [
        {
            "code": code,
            "question": f"{code}?",
            "answer_type": "yes_no",
            "section": "the_pain",
            "order": n,
            "blocks_self_care": n % 25 == 0,
            "baseline": {
                "adult": rng.uniform(0.02, 0.4),
                "child": rng.uniform(0.02, 0.4),
                **SOURCE,
            },
        }
        for n, code in enumerate(finding_codes)
    ]

    def condition(code: str, *, is_other_causes: bool = False) -> dict[str, Any]:
        le_2 = rng.uniform(0.02, 0.6)
        ge_6 = rng.uniform(0.0, 1.0 - le_2)
        adult_only = not is_other_causes and rng.random() < 0.5
        rows = []
        for finding in rng.sample(finding_codes, rng.randint(20, 40)):
            rows.append(
                {"finding": finding, "population": "all", "probability": rng.uniform(0.02, 0.95)}
            )
            if rng.random() < 0.1:
                rows.append(
                    {
                        "finding": finding,
                        "population": "child",
                        "probability": rng.uniform(0.02, 0.95),
                    }
                )
        return {
            "code": code,
            "name": code,
            "category": "other",
            "is_other_causes": is_other_causes,
            "min_age": 16 if adult_only else 0,
            "max_age": 120,
            "sex": {"female_share": 0.5 if is_other_causes else rng.uniform(0.1, 0.9), **SOURCE},
            "urgency": rng.choice(["emergency", "urgent", "soon", "routine", "routine"]),
            "self_care_max_duration_weeks": 2 if rng.random() < 0.1 else None,
            "priors": [
                {
                    "band": band["code"],
                    "probability": 0.3 if is_other_causes else rng.uniform(0.0, 0.002),
                    **SOURCE,
                }
                for band in BANDS
            ],
            "duration": {
                "le_2_weeks": le_2,
                "ge_6_weeks": ge_6,
                "ge_12_weeks": ge_6 * rng.random(),
                **SOURCE,
            },
            "evidence": [{**row, **SOURCE} for row in rows],
        }

    rules = [
        {
            "code": f"rule_{n:02}",
            "urgency": rng.choice(["emergency", "urgent", "soon"]),
            "concern": f"concern {n}",
            "min_age": None,
            "max_age": None,
            "duration_min_weeks": None,
            "duration_below_weeks": None,
            "requires_present": rng.sample(finding_codes, 2),
            "requires_absent": rng.sample(finding_codes, 1),
            "requires_any_of": [],
            "message": "",
            "reason": "",
        }
        for n in range(20)
    ]
    return {
        "format_version": 1,
        "scoring": {
            "plausible_probability": 0.10,
            "baseline_duration": {
                "le_2_weeks": 0.30,
                "ge_6_weeks": 0.55,
                "ge_12_weeks": 0.45,
                **SOURCE,
            },
        },
        "age_bands": BANDS,
        "findings": finding_entries,
        "conditions": [
            *(condition(f"condition_{n:05}") for n in range(conditions)),
            condition("other_causes", is_other_causes=True),
        ],
        "red_flag_rules": rules,
    }


def realistic_answers(
    knowledge_base: KnowledgeBase, rng: random.Random, answered: int = 20
) -> Answers:
    """About ``answered`` findings answered, a third of them yes, for a 45-year-old woman."""
    codes = rng.sample(sorted(knowledge_base.findings), min(answered, len(knowledge_base.findings)))
    return Answers(
        age=45,
        sex=Sex.FEMALE,
        duration_weeks=8,
        findings={code: rng.random() < 0.33 for code in codes},
    )


def median_microseconds(call: Callable[[], object], runs: int) -> float:
    """Median wall time of ``call`` in microseconds, after a few warm-up calls."""
    for _ in range(min(runs, 5)):
        call()
    timings = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        call()
        timings.append(time.perf_counter_ns() - start)
    return statistics.median(timings) / 1000.0


def benchmark(
    knowledge_base: KnowledgeBase, rng: random.Random, runs: int, *, every_row: bool = False
) -> float:
    """Median µs per assessment, over a handful of different answer sets.

    With ``every_row``, every ranked condition is read too: rows past the explained ones are
    built only when read (a page shows the first five; an API client may read them all).
    """
    answer_sets = [realistic_answers(knowledge_base, rng) for _ in range(8)]
    answer_cycle = itertools.cycle(answer_sets)
    if every_row:
        return median_microseconds(
            lambda: tuple(assess(knowledge_base, next(answer_cycle)).conditions), runs
        )
    return median_microseconds(lambda: assess(knowledge_base, next(answer_cycle)), runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, default=REPOSITORY / "knowledge")
    arguments = parser.parse_args(argv)
    rng = random.Random(SEED)

    rows: list[tuple[str, int, int, float, float | None]] = []
    try:
        seeded = read_knowledge_document(arguments.knowledge)
    except KnowledgeFileError:
        seeded = {}
    if seeded.get("conditions"):
        knowledge_base = knowledge_base_from_document(seeded, version=0)
        rows.append(
            (
                "seeded",
                len(knowledge_base.conditions) + 1,
                len(knowledge_base.findings),
                benchmark(knowledge_base, rng, runs=5000),
                None,
            )
        )
    else:
        print(f"No knowledge base at {arguments.knowledge}; synthetic ones only.")
    for conditions, runs in ((1_000, 400), (10_000, 60)):
        started = time.perf_counter()
        knowledge_base = knowledge_base_from_document(
            synthetic_document(conditions, 500, rng), version=0
        )
        built = time.perf_counter() - started
        rows.append(
            (
                f"synthetic (built in {built:.1f} s)",
                conditions + 1,
                500,
                benchmark(knowledge_base, rng, runs=runs),
                benchmark(knowledge_base, rng, runs=runs, every_row=True),
            )
        )

    print(
        f"{'knowledge base':<28} {'classes':>8} {'findings':>9} {'µs/assessment':>14} {'ratio':>7}"
        f" {'µs, every row read':>19}"
    )
    previous = None
    for label, classes, findings, micros, every_row in rows:
        ratio = "" if previous is None else f"{micros / previous:.1f}×"
        read = "" if every_row is None else f"{every_row:.1f}"
        print(f"{label:<28} {classes:>8} {findings:>9} {micros:>14.1f} {ratio:>7} {read:>19}")
        previous = micros
    synthetic = [row for row in rows if row[0].startswith("synthetic")]
    if len(synthetic) == 2:
        growth = synthetic[1][3] / synthetic[0][3]
        size = synthetic[1][1] / synthetic[0][1]
        print(
            f"growth from 1,000 to 10,000 conditions: {growth:.1f}× time for {size:.1f}× size "
            f"(linear would be {size:.1f}×)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
