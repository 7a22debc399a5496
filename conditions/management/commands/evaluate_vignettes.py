"""Measure the engine on clinical vignettes: ranking and triage against what a clinician expects.

Every change to weights or rules should be run against the vignettes (shared/vignettes/README.md
describes the file format). By default the latest *published* knowledge base is measured, the one
patients see; ``--knowledge DIR`` measures a knowledge file or folder instead, before it is
loaded or published. With ``--json`` the last line of the output is one JSON object with the
totals (``cases``, ``top1``, ``top3``, ``triage_exact``, ``under_triage``, ``over_triage``,
``emergency_missed``, ``triage_by_level``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from conditions.engine import KnowledgeBase, KnowledgeBaseError, knowledge_base_from_document
from conditions.evaluation import evaluate, report_as_dict, report_lines
from conditions.knowledge_file import KnowledgeFileError, read_knowledge_document
from conditions.published import NoPublishedKnowledgeBase, published_knowledge_base

SEED_KNOWLEDGE = Path(settings.BASE_DIR) / "knowledge"


class Command(BaseCommand):
    help = "Evaluate the engine on a vignette file: top-1/top-3 ranking and triage accuracy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="JSON file of vignettes (shared/vignettes format)")
        parser.add_argument(
            "--json", action="store_true", help="end with one line of JSON with the totals"
        )
        parser.add_argument(
            "--knowledge",
            metavar="PATH",
            help="measure this knowledge file or folder instead of the published version",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        vignettes = self.read_vignettes(Path(options["path"]))
        knowledge_base = self.knowledge_base(options.get("knowledge"))
        report = evaluate(knowledge_base, vignettes)
        for line in report_lines(report):
            self.stdout.write(line)
        if options["json"]:
            self.stdout.write(json.dumps(self.totals(report_as_dict(report)), sort_keys=True))

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
        if knowledge_path is None:
            try:
                return published_knowledge_base()
            except NoPublishedKnowledgeBase:
                self.stderr.write(
                    "No knowledge base is published in this database: measuring the seed "
                    f"knowledge files in {SEED_KNOWLEDGE} instead."
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
            "triage_by_level": {
                level: figures["exact"] for level, figures in totals["triage_by_level"].items()
            },
        }
