"""Robustness of the triage to "not sure": each vignette file as answered, and with findings unsure.

Usage: .venv/bin/python benchmarks/robustness_benchmark.py [FILE ...] [--unsure K] [--knowledge DIR]

For each vignette file (by default vignettes/development.json, and ../shared/vignettes/public.json
when it exists beside the checkout) it prints the base figures (cases, emergencies missed,
under- and over-triage as in ``evaluate_vignettes``), the same with every combination of up to K
answered findings (default 1) changed to "not sure" (perturbed cases, emergencies missed, under-
and over-triage as fractions of the perturbed cases; ``conditions.evaluation.evaluate_unsure``
says how they are counted), and the time each run took. DIR is the knowledge/ directory of YAML
files or one merged document; by default the repository's knowledge/. The issue's targets for
K = 1 are 0 emergencies missed and under-triage ≤ 5 %.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))  # run as a script from anywhere

from conditions.engine import KnowledgeBase, knowledge_base_from_document  # noqa: E402
from conditions.evaluation import evaluate, evaluate_unsure  # noqa: E402
from conditions.knowledge_file import read_knowledge_document  # noqa: E402

DEFAULT_FILES = (
    REPOSITORY / "vignettes" / "development.json",
    REPOSITORY.parent / "shared" / "vignettes" / "public.json",
)


def measure(knowledge_base: KnowledgeBase, path: Path, unsure: int) -> list[str]:
    """The lines for one vignette file: base figures, perturbed figures, and their times."""
    vignettes = json.loads(path.read_text(encoding="utf-8"))
    started = time.perf_counter()
    base = evaluate(knowledge_base, vignettes)
    base_seconds = time.perf_counter() - started
    started = time.perf_counter()
    perturbed = evaluate_unsure(knowledge_base, vignettes, unsure)
    perturbed_seconds = time.perf_counter() - started
    return [
        str(path),
        f"  {'run':<14} {'cases':>7} {'emergencies missed':>19} {'under-triage':>13} "
        f"{'over-triage':>12} {'time':>9}",
        f"  {'as answered':<14} {base.cases:>7} {base.emergency_missed:>19} "
        f"{base.under_triage_rate:>13.1%} {base.over_triage_rate:>12.1%} "
        f"{base_seconds * 1000:>6.0f} ms",
        f"  {f'--unsure {unsure}':<14} {perturbed.cases:>7} {perturbed.emergency_missed:>19} "
        f"{perturbed.under_triage_rate:>13.1%} {perturbed.over_triage_rate:>12.1%} "
        f"{perturbed_seconds * 1000:>6.0f} ms",
        f"  (--unsure {unsure}: under-triage caused by 'not sure', the vignette as answered "
        f"not under-triaged: {perturbed.under_triage_caused_rate:.1%}; "
        f"{perturbed.emergency_cases} cases expect an emergency, missed counting only a named "
        f"sign on a finding made 'not sure': {perturbed.emergency_missed_strict}; "
        f"vignettes skipped: {len(perturbed.skipped)})",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="vignette files (JSON)")
    parser.add_argument("--unsure", type=int, default=1, metavar="K")
    parser.add_argument("--knowledge", type=Path, default=REPOSITORY / "knowledge")
    arguments = parser.parse_args(argv)
    if arguments.unsure < 1:
        parser.error("--unsure must be 1 or more")

    knowledge_base = knowledge_base_from_document(
        read_knowledge_document(arguments.knowledge), version=0
    )
    if arguments.files:
        files = arguments.files
    else:
        files = [path for path in DEFAULT_FILES if path.exists()]
        for path in DEFAULT_FILES:
            if not path.exists():
                print(f"(no {path}: skipped)")
    if not files:
        print("No vignette file to measure.")
        return 1
    for path in files:
        for line in measure(knowledge_base, path, arguments.unsure):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
