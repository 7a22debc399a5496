"""A published version as its admin page shows it: a summary, and what changed since the one before.

The page reads one version's document and the previous version's (two queries), and compares
them field by field with ``conditions.diffs.field_changes``. Who made each change and why comes
from what the publisher reviewed (``KnowledgeBaseVersion.reviewed_changes``), when recorded.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from conditions import knowledge_file
from conditions.diffs import ChangeKind, FieldChange, field_changes, shown
from conditions.models import KnowledgeBaseVersion

# The page lists at most this many changed fields; the rest are counted (the whole document is
# the JSON download). A first load of a new knowledge base changes thousands.
MAX_LISTED_CHANGES = 300


@dataclass(frozen=True)
class ListedChange:
    """One changed field, with the edits behind it as the publisher reviewed them."""

    change: FieldChange
    edits: tuple[dict[str, Any], ...] = ()

    @property
    def before(self) -> SafeString:
        """The old value: a text in full with the words taken out marked, else as JSON."""
        if self.change.kind is ChangeKind.ADDED:
            return mark_safe("")
        return _marked(self.change.old, self.change.new, "del", side=0)

    @property
    def after(self) -> SafeString:
        if self.change.kind is ChangeKind.REMOVED:
            return mark_safe("")
        return _marked(self.change.new, self.change.old, "ins", side=1)

    @property
    def editors(self) -> list[str]:
        return list(dict.fromkeys(edit.get("editor") or "(command line)" for edit in self.edits))

    @property
    def reasons(self) -> list[str]:
        return list(dict.fromkeys(edit["reason"] for edit in self.edits if edit.get("reason")))


def _marked(value: Any, other: Any, tag: str, *, side: int) -> SafeString:
    """``value`` as HTML; when both values are texts, the words that differ wrapped in ``tag``."""
    if not (isinstance(value, str) and isinstance(other, str)):
        return mark_safe(f"<code>{escape(shown(value))}</code>")
    words = value.split(" ")
    old, new = (words, other.split(" ")) if side == 0 else (other.split(" "), words)
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        start, end = (i1, i2) if side == 0 else (j1, j2)
        text = escape(" ".join(words[start:end]))
        if text:
            pieces.append(text if op == "equal" else f"<{tag}>{text}</{tag}>")
    return mark_safe(" ".join(pieces))


@dataclass(frozen=True)
class VersionSummary:
    version: KnowledgeBaseVersion
    previous_number: int | None
    counts: list[tuple[str, int]]
    sections: list[knowledge_file.SectionChanges]
    changes: list[ListedChange] = field(default_factory=list)
    unlisted_changes: int = 0

    @property
    def change_count(self) -> int:
        return len(self.changes) + self.unlisted_changes


def document_counts(document: dict[str, Any]) -> list[tuple[str, int]]:
    """What a knowledge document holds, as the curator counts it."""
    conditions = document.get("conditions", [])
    return [
        ("conditions", len(conditions)),
        ("findings", len(document.get("findings", []))),
        ("red-flag rules", len(document.get("red_flag_rules", []))),
        (
            "evidence figures",
            sum(
                len(c.get("evidence", []))
                + sum(len(form.get("evidence", [])) for form in c.get("forms", []))
                for c in conditions
            ),
        ),
        ("condition forms", sum(len(c.get("forms", [])) for c in conditions)),
        ("priors", sum(len(c.get("priors", [])) for c in conditions)),
        ("references", len(document.get("references", []))),
    ]


def knowledge_base_version_summary(version: KnowledgeBaseVersion) -> VersionSummary:
    """The summary of ``version`` (its document loaded) and its changes since the previous one."""
    previous = (
        KnowledgeBaseVersion.objects.filter(number__lt=version.number)
        .order_by("-number")
        .only("number", "document")
        .first()
    )
    before = previous.document if previous is not None else None
    sections = knowledge_file.changes_between(before, version.document)
    if previous is None:
        # The first version: everything is new; the counts say what it holds.
        return VersionSummary(version, None, document_counts(version.document), sections)
    edits = {
        reviewed.get("location"): tuple(reviewed.get("edits", ()))
        for reviewed in version.reviewed_changes or []
    }
    every = field_changes(before, version.document)
    return VersionSummary(
        version=version,
        previous_number=previous.number,
        counts=document_counts(version.document),
        sections=sections,
        changes=[
            ListedChange(change, edits.get(change.location, ()))
            for change in every[:MAX_LISTED_CHANGES]
        ],
        unlisted_changes=max(0, len(every) - MAX_LISTED_CHANGES),
    )
