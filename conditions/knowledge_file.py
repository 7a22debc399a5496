"""The knowledge file: read one YAML file or a directory of them, and merge them into a document.

The format is docs/knowledge-format.md, declared in ``conditions.engine.knowledge_format``. This
module and its neighbours know nothing of the database: they work on the plain document (dicts and
lists as PyYAML gives them). Validation is in ``knowledge_validation``, the canonical form, the
checksum and the YAML in ``knowledge_canonical``, what changed between two documents in ``diffs``;
their functions are named here too, as the one place the loader, the exporter, the publisher and
the tests reach the knowledge file through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from conditions.diffs import SectionChanges, changes_between
from conditions.engine.knowledge_format import FORMAT_VERSION, SECTIONS, TOP_LEVEL_KEYS
from conditions.knowledge_canonical import canonical, checksum, dump
from conditions.knowledge_validation import validate

__all__ = [
    "FORMAT_VERSION",
    "KnowledgeFile",
    "KnowledgeFileError",
    "SectionChanges",
    "canonical",
    "changes_between",
    "checksum",
    "dump",
    "merge",
    "read",
    "read_knowledge_document",
    "validate",
]


class KnowledgeFileError(Exception):
    """The knowledge file cannot be used; ``errors`` lists every problem with its location."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        listing = "\n".join(f"  - {error}" for error in self.errors)
        super().__init__(f"The knowledge base has {len(self.errors)} problem(s):\n{listing}")


# --- Reading and merging ---


@dataclass(frozen=True)
class KnowledgeFile:
    """A merged document, and for each list entry the file it came from (for error messages)."""

    document: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)


def read(path: Path | str) -> KnowledgeFile:
    """Read one YAML file, or every ``*.yaml`` file of a directory in name order, and merge them."""
    path = Path(path)
    if path.is_dir():
        paths = sorted(path.glob("*.yaml"))
        if not paths:
            raise KnowledgeFileError([f"{path}: no *.yaml file in this directory"])
    elif path.is_file():
        paths = [path]
    else:
        raise KnowledgeFileError([f"{path}: no such file or directory"])
    parts = []
    errors = []
    for part_path in paths:
        try:
            parts.append((part_path.name, yaml.safe_load(part_path.read_text(encoding="utf-8"))))
        except yaml.YAMLError as problem:
            errors.append(f"{part_path.name}: not valid YAML: {problem}")
    if errors:
        raise KnowledgeFileError(errors)
    return merge(parts)


def read_knowledge_document(path: Path | str) -> dict[str, Any]:
    """Read, merge and validate knowledge files; the document in canonical form.

    Raises KnowledgeFileError listing every problem, each with the file it is in.
    """
    knowledge = read(path)
    errors = validate(knowledge.document, sources=knowledge.sources)
    if errors:
        raise KnowledgeFileError(errors)
    return canonical(knowledge.document)


def merge(parts: Iterable[tuple[str, Any]]) -> KnowledgeFile:
    """Merge documents: top-level lists are concatenated; ``scoring`` may appear in one only."""
    document: dict[str, Any] = {}
    sources: dict[str, str] = {}
    scoring_source = None
    errors = []
    for source, part in parts:
        if part is None:  # an empty file
            continue
        if not isinstance(part, Mapping):
            errors.append(f"{source}: the file must be a mapping of top-level keys")
            continue
        for key, value in part.items():
            if key not in TOP_LEVEL_KEYS:
                expected = ", ".join(TOP_LEVEL_KEYS)
                errors.append(
                    f"{source}: unknown top-level key {key!r} (expected one of {expected})"
                )
            elif key == "format_version":
                if document.setdefault("format_version", value) != value:
                    errors.append(f"{source}: format_version {value!r} differs from another file's")
            elif key == "scoring":
                if scoring_source is not None:
                    errors.append(
                        f"{source}: scoring is already given in {scoring_source}; give it once"
                    )
                else:
                    scoring_source = source
                    document["scoring"] = value
            elif not isinstance(value, list):
                errors.append(f"{source}: {key} must be a list")
            else:
                document.setdefault(key, []).extend(value)
                for entry in value:
                    label = _entry_label(key, entry)
                    if label is not None:
                        sources.setdefault(f"{key}[{label}]", source)
    if errors:
        raise KnowledgeFileError(errors)
    return KnowledgeFile(document=document, sources=sources)


def _entry_label(section: str, entry: Any) -> str | None:
    key = SECTIONS[section][1]
    if isinstance(entry, Mapping) and entry.get(key) is not None:
        return str(entry[key])
    return None
