"""Seed an empty table of clinical vignettes from a vignette file; else nothing.

This is what start-up runs (the Makefile's ``database`` target), after the knowledge base is
seeded. Once the table holds vignettes they are the curators' (edited and imported in the admin),
so this command leaves them alone, prints one line saying so, and exits 0. A case the published
knowledge base cannot assess is skipped with a line naming it, so start-up never stops over one
case; a file that cannot be read at all is an error.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench.models import ClinicalVignette
from bench.services import clinical_vignettes_seed
from bench.vignette_format import VignetteFileError, read_cases

DEFAULT_PATH = Path(settings.BASE_DIR) / "vignettes" / "development.json"


class Command(BaseCommand):
    help = "Load a vignette file into the test bench, only when it holds no vignettes."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            default=str(DEFAULT_PATH),
            help="A JSON vignette file (format: vignettes/README.md). "
            "Default: vignettes/development.json",
        )

    def handle(self, *args, path: str, **options) -> None:
        # The file is only read when it is going to be used.
        if ClinicalVignette.objects.exists():
            self.stdout.write(self.not_loaded(path))
            return
        try:
            cases = read_cases(Path(path).read_bytes())
        except FileNotFoundError:
            raise CommandError(f"No vignette file at {path}.") from None
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except VignetteFileError as error:
            raise CommandError(f"{path}: {error}") from None
        seeded = clinical_vignettes_seed(cases=cases, reason=f"seeded from {Path(path).name}")
        if seeded is None:
            # Another process seeded it between the check and the load.
            self.stdout.write(self.not_loaded(path))
            return
        for case in seeded.skipped:
            for problem in case.problems:
                self.stdout.write(f"Not loaded, {case.label}: {problem}")
        skipped = f" ({len(seeded.skipped)} not loaded, above)" if seeded.skipped else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded the test bench from {path}: {seeded.created} clinical vignettes{skipped}."
            )
        )

    def not_loaded(self, path: str) -> str:
        held = ClinicalVignette.objects.count()
        return (
            f"The test bench already holds {held} clinical vignette{'s' if held != 1 else ''}; "
            f"{path} was not loaded. To add or update cases from a file: admin → Test bench → "
            "Clinical vignettes → Import vignettes from a JSON file."
        )
