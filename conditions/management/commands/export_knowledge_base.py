"""Write the draft knowledge base as one YAML file in the knowledge-file format.

Curators edit in the admin; this brings their work back into git. The output is canonical
(sorted by code, keys in format order), so loading it and exporting again gives the same bytes.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conditions import knowledge_file
from conditions.selectors import knowledge_base_document


class Command(BaseCommand):
    help = "Export the draft knowledge base as one YAML file (default: standard output)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", "-o", help="File to write instead of standard output.")

    def handle(self, *args, output: str | None, **options) -> None:
        document = knowledge_base_document()
        # Export anyway, so unfinished drafts can still be saved; the problems go to stderr.
        for problem in knowledge_file.validate(document):
            self.stderr.write(f"warning: {problem}")
        text = knowledge_file.dump(document)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as problem:
            raise CommandError(f"Cannot write {output}: {problem}") from problem
