"""Measure the engine on clinical vignettes: ranking and triage against what a clinician expects.

Every change to weights or rules should be run against the vignettes (vignettes/README.md
describes the file format). By default the latest *published* knowledge base is measured, the one
patients see; ``--knowledge DIR`` measures a knowledge file or folder instead, before it is
loaded or published. With ``--json`` the last line of the output is one JSON object with the
totals (``cases``, ``top1``, ``top3``, ``triage_exact``, ``under_triage``, ``over_triage``,
``brier_top1`` and ``expected_at_least_plausible`` (calibration),
and with ``--interview`` ``questions_median``, ``questions_p90`` and ``unstated``,
``emergency_missed``, ``triage_by_level``).

``--unstated no`` answers "no" to every question the person would be asked that a vignette does
not state, in the questionnaire and the interview alike (the default, ``not-sure``, leaves it
unanswered): the person who knows their answers, beside the one who is unsure of all the rest.

``--unsure K`` (``--unsure`` alone: K = 1) also measures robustness (triage-policy.md §3): every
vignette again with each combination of 1 to K of its answered findings changed to "not sure"
(``conditions.evaluation.evaluate_unsure`` says how the cases are counted). The output then ends
with the perturbed totals, the missed emergencies and under-triaged cases (vignette, findings
made "not sure", level given) and the findings whose "not sure" causes under-triage most. With
``--json`` the perturbed totals are under the ``unsure`` key of the JSON line, beside the
unperturbed ones: ``max_unsure``, ``vignettes``, ``skipped``, ``cases`` (perturbed cases),
``emergency_cases``, ``emergency_missed``, ``emergency_missed_rate``,
``emergency_missed_strict`` (a named emergency sign counts only if it asks about a finding made
"not sure"), ``under_triage``, ``under_triage_rate``, ``under_triage_caused``,
``under_triage_caused_rate`` (under-triaged while the vignette as answered is not),
``over_triage``, ``over_triage_rate`` (fractions of the perturbed cases),
``under_triage_by_finding`` and ``under_triage_caused_by_finding`` (finding → those cases with
it "not sure"). Without ``--unsure`` nothing is perturbed and the ``unsure`` key is absent.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from conditions.engine import KnowledgeBase, KnowledgeBaseError, knowledge_base_from_document
from conditions.evaluation import (
    Unstated,
    evaluate,
    evaluate_unsure,
    report_as_dict,
    report_lines,
    robustness_as_dict,
    robustness_lines,
)
from conditions.knowledge_file import KnowledgeFileError, read_knowledge_document
from conditions.published import NoPublishedKnowledgeBase, published_knowledge_base

SEED_KNOWLEDGE = Path(settings.BASE_DIR) / "knowledge"


class Command(BaseCommand):
    help = "Evaluate the engine on a vignette file: top-1/top-3 ranking and triage accuracy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="JSON file of vignettes (format: vignettes/README.md)")
        parser.add_argument(
            "--json", action="store_true", help="end with one line of JSON with the totals"
        )
        parser.add_argument(
            "--knowledge",
            metavar="PATH",
            help="measure this knowledge file or folder instead of the published version",
        )
        parser.add_argument(
            "--unsure",
            nargs="?",
            const=1,
            type=_at_least_one,
            metavar="K",
            help=(
                "also re-run every vignette with each combination of up to K answered findings "
                "changed to 'not sure' (K = 1 when the flag is given alone)"
            ),
        )
        parser.add_argument(
            "--interview",
            action="store_true",
            help=(
                "run each vignette as a simulated person through the adaptive interview "
                "(answers from the vignette, 'not sure' to what it does not state) and count "
                "the questions asked"
            ),
        )

        parser.add_argument(
            "--unstated",
            choices=[str(choice) for choice in Unstated],
            default=str(Unstated.NOT_SURE),
            help=(
                "how the person answers what a vignette does not state: 'not-sure' (the default) "
                "or 'no' to every question they would be asked (the questionnaire and the "
                "interview alike)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        vignettes = self.read_vignettes(Path(options["path"]))
        knowledge_base = self.knowledge_base(options.get("knowledge"))
        report = evaluate(
            knowledge_base,
            vignettes,
            interview=knowledge_base.interview_policy if options.get("interview") else None,
            unstated=Unstated(options["unstated"]),
        )
        for line in report_lines(report):
            self.stdout.write(line)
        robustness = None
        if options.get("unsure") is not None:
            robustness = evaluate_unsure(knowledge_base, vignettes, options["unsure"])
            for line in robustness_lines(robustness):
                self.stdout.write(line)
        if options["json"]:
            totals = self.totals(report_as_dict(report))
            if robustness is not None:
                totals["unsure"] = robustness_as_dict(robustness)
            self.stdout.write(json.dumps(totals, sort_keys=True))

    def read_vignettes(self, path: Path) -> list[dict[str, Any]]:
        try:
            vignettes = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"No vignette file at {path}.") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{path} is not a readable JSON file: {error}") from None
        if not isinstance(vignettes, list) or not all(isinstance(v, dict) for v in vignettes):
            raise CommandError(f"{path} must hold a JSON list of vignette objects.")
        return vignettes

    def knowledge_base(self, knowledge_path: str | None) -> KnowledgeBase:
        # Imported here, not at the top: only this method reads the database.
        from django.db.utils import ProgrammingError

        if knowledge_path is None:
            try:
                return published_knowledge_base()
            except NoPublishedKnowledgeBase:
                self.stderr.write(
                    "No knowledge base is published in this database: measuring the seed "
                    f"knowledge files in {SEED_KNOWLEDGE} instead."
                )
                knowledge_path = str(SEED_KNOWLEDGE)
            except ProgrammingError as error:
                # An unmigrated database (e.g. right after `make test` on a fresh clone) has no
                # table of versions (PostgreSQL's undefined_table, 42P01): nothing is published.
                if getattr(error.__cause__, "pgcode", None) != "42P01":
                    raise
                self.stderr.write(
                    "This database has no tables yet (run `make database` to create them): "
                    f"measuring the seed knowledge files in {SEED_KNOWLEDGE} instead."
                )
                knowledge_path = str(SEED_KNOWLEDGE)
        try:
            document = read_knowledge_document(knowledge_path)
            return knowledge_base_from_document(document, version=0)
        except (KnowledgeFileError, KnowledgeBaseError, OSError) as error:
            message = f"Cannot read the knowledge base at {knowledge_path}: {error}"
            raise CommandError(message) from None

    @staticmethod
    def totals(report: dict[str, Any]) -> dict[str, Any]:
        """The flat JSON totals, with the fraction exact per expected level."""
        totals = report["totals"]
        return {
            "knowledge_base_version": report["knowledge_base_version"],
            "cases": totals["cases"],
            "errors": totals["errors"],
            "top1": totals["top1"],
            "top3": totals["top3"],
            "triage_exact": totals["triage_exact"],
            "under_triage": totals["under_triage"],
            "over_triage": totals["over_triage"],
            "emergency_missed": totals["emergency_missed"],
            "brier_top1": totals["brier_top1"],
            **(
                {
                    "questions_median": totals["questions_median"],
                    "questions_p90": totals["questions_p90"],
                    "unstated": totals["unstated"],
                }
                if totals["questions_median"] is not None
                else {}
            ),
            "expected_at_least_plausible": totals["expected_at_least_plausible"],
            "triage_by_level": {
                level: figures["exact"] for level, figures in totals["triage_by_level"].items()
            },
        }


def _at_least_one(value: str) -> int:
    """``--unsure``'s K: a whole number, 1 or more."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number
