"""Time the test bench's comparison: the seeded knowledge base as draft and as published version,
run over the development vignettes (what the publish page waits for).

Usage: .venv/bin/python benchmarks/bench_benchmark.py [VIGNETTES] [--knowledge PATH] [--runs N]

Each figure is the median over N runs (default 20) of what ``bench.services.compare_with_published``
does after reading the active vignettes from the database (a few milliseconds more on the server):
build both engine snapshots from their documents, assess every vignette with each, and set the
figures and the changed cases side by side. Two drafts: the published knowledge itself (nothing
changes) and the same without its emergency red-flag rules (cases change, safety worsens).
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))  # run as a script from anywhere

from bench.comparison import BenchComparison, compare_knowledge_bases  # noqa: E402
from conditions.engine import knowledge_base_from_document  # noqa: E402
from conditions.knowledge_file import read_knowledge_document  # noqa: E402


def comparison(
    draft: dict[str, Any], published: dict[str, Any], vignettes: list[dict[str, Any]]
) -> BenchComparison:
    return compare_knowledge_bases(
        knowledge_base_from_document(draft, version=0),
        knowledge_base_from_document(published, version=0),
        vignettes,
    )


def median_ms(work: Callable[[], Any], runs: int) -> float:
    work()  # warm up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "vignettes", nargs="?", default=str(REPOSITORY / "vignettes" / "development.json")
    )
    parser.add_argument("--knowledge", default=str(REPOSITORY / "knowledge"))
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()

    vignettes = json.loads(Path(options.vignettes).read_text(encoding="utf-8"))
    published = read_knowledge_document(options.knowledge)
    without_emergency_rules = copy.deepcopy(published)
    without_emergency_rules["red_flag_rules"] = [
        rule for rule in published["red_flag_rules"] if rule["urgency"] != "emergency"
    ]
    print(f"{len(vignettes)} vignettes ({options.vignettes}), knowledge {options.knowledge}")
    build = median_ms(lambda: knowledge_base_from_document(published, version=0), options.runs)
    print(f"build one engine snapshot          {build:7.1f} ms")
    for name, draft in (
        ("draft = published", published),
        ("draft without emergency red flags", without_emergency_rules),
    ):
        result = comparison(draft, published, vignettes)
        ms = median_ms(lambda draft=draft: comparison(draft, published, vignettes), options.runs)
        print(
            f"{name:<34} {ms:7.1f} ms  (changed cases {len(result.changed_cases)}, "
            f"worsens safety {result.worsens_safety})"
        )


if __name__ == "__main__":
    main()
