"""Field-by-field differences between two knowledge-base documents: pure functions, no database.

``changes_between`` says which entries of a section differ; ``field_changes``
says how: each field that differs, its old and new value, and the source of the figure it
belongs to (the reference, the expert-estimate mark and the curator's note beside it). The
waiting list, the publish page, the loader's report and a published version's record of what its
publisher reviewed are all built from it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from conditions.engine.knowledge_format import SECTIONS, evidence_label

SOURCE_KEYS = ("reference", "expert_estimate", "note")


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class FieldChange:
    """One difference: an entry or list item added or removed, or one field changed.

    ``section`` is a section of the document (``conditions``) or ``scoring``; ``entry`` the code
    of the entry in it (``septic_arthritis``; ``scoring`` for the scoring section); ``field`` the
    place within the entry (``evidence[fever].probability``; empty when the whole entry is added
    or removed). ``old`` is None for what is added, ``new`` for what is removed. ``source`` is the
    reference, expert-estimate mark and note of the figure the field belongs to, as the new
    document has them (the old one's for what is removed); None for a field that has none.
    """

    section: str
    entry: str
    field: str
    kind: ChangeKind
    old: Any = None
    new: Any = None
    source: Mapping[str, Any] | None = None

    @property
    def location(self) -> str:
        """Where the change is, as validation names places: ``conditions[x].evidence[fever]``."""
        where = "scoring" if self.section == "scoring" else f"{self.section}[{self.entry}]"
        if not self.field:
            return where
        return f"{where}{'' if self.field.startswith('[') else '.'}{self.field}"

    @property
    def old_shown(self) -> str:
        return shown(self.old) if self.kind is not ChangeKind.ADDED else ""

    @property
    def new_shown(self) -> str:
        return shown(self.new) if self.kind is not ChangeKind.REMOVED else ""

    def line(self) -> str:
        """One line: ``conditions[x].evidence[fever].probability: 0.3 → 0.35``."""
        if self.kind is not ChangeKind.CHANGED:
            return f"{self.location}: {self.kind}"
        if _is_list_of_plain_items(self.old) and _is_list_of_plain_items(self.new):
            added = [shown(item) for item in self.new if item not in self.old]
            removed = [shown(item) for item in self.old if item not in self.new]
            return f"{self.location}: " + ", ".join(
                [*(f"+{item}" for item in added), *(f"-{item}" for item in removed)]
            )
        return f"{self.location}: {shown(self.old)} → {shown(self.new)}"

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready record (stored with a published version)."""
        return {
            "location": self.location,
            "section": self.section,
            "entry": self.entry,
            "field": self.field,
            "kind": str(self.kind),
            "old": self.old,
            "new": self.new,
            "source": dict(self.source) if self.source is not None else None,
        }


@dataclass(frozen=True)
class SectionChanges:
    """Codes added, removed and changed in one section between two canonical documents."""

    section: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def changes_between(before: Mapping | None, after: Mapping) -> list[SectionChanges]:
    """Per section, the codes that differ between two canonical documents (before may be None)."""
    before = before or {}
    changes = []
    if before.get("scoring") != after.get("scoring"):
        changes.append(SectionChanges("scoring", (), (), ("scoring",)))
    for section, (_entry, key) in SECTIONS.items():
        old = {entry[key]: entry for entry in before.get(section, [])}
        new = {entry[key]: entry for entry in after.get(section, [])}
        section_changes = SectionChanges(
            section,
            added=tuple(sorted(new.keys() - old.keys())),
            removed=tuple(sorted(old.keys() - new.keys())),
            changed=tuple(
                sorted(code for code in new.keys() & old.keys() if new[code] != old[code])
            ),
        )
        if section_changes:
            changes.append(section_changes)
    return changes


def field_changes(before: Mapping | None, after: Mapping) -> list[FieldChange]:
    """Every difference between two canonical documents (``before`` None: nothing published).

    In document order: scoring, then each section's entries added, removed, then changed.
    """
    before = before or {}
    changes: list[FieldChange] = []
    for section_changes in changes_between(before, after):
        section = section_changes.section
        if section == "scoring":
            changes += _walk(
                "scoring",
                "scoring",
                "",
                before.get("scoring", _ABSENT),
                after.get("scoring", _ABSENT),
                None,
            )
            continue
        key = SECTIONS[section][1]
        old = {entry[key]: entry for entry in before.get(section, [])}
        new = {entry[key]: entry for entry in after.get(section, [])}
        changes += [
            FieldChange(
                section, code, "", ChangeKind.ADDED, new=new[code], source=_source(new[code])
            )
            for code in section_changes.added
        ]
        changes += [
            FieldChange(
                section, code, "", ChangeKind.REMOVED, old=old[code], source=_source(old[code])
            )
            for code in section_changes.removed
        ]
        for code in section_changes.changed:
            changes += _walk(section, code, "", old[code], new[code], _source(new[code]))
    return changes


def shown(value: Any, limit: int = 60) -> str:
    """A value as one short line of JSON: ``0.35``, ``"Septic arthritis"``, ``null``."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_ABSENT = object()


def _walk(
    section: str,
    entry: str,
    field: str,
    old: Any,
    new: Any,
    source: Mapping[str, Any] | None,
) -> list[FieldChange]:
    if old == new or _absent_as_empty(old, new):
        return []
    if old is _ABSENT:
        return [FieldChange(section, entry, field, ChangeKind.ADDED, new=new, source=source)]
    if new is _ABSENT:
        return [FieldChange(section, entry, field, ChangeKind.REMOVED, old=old, source=source)]
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        # The innermost mapping that carries a source is the figure's: evidence rows, priors,
        # durations, a finding's baseline, the share of women.
        inner = _source(new) or source
        return [
            change
            for name in dict.fromkeys([*old, *new])
            for change in _walk(
                section,
                entry,
                f"{field}.{name}" if field else str(name),
                old.get(name, _ABSENT),
                new.get(name, _ABSENT),
                inner,
            )
        ]
    if (
        isinstance(old, list)
        and isinstance(new, list)
        and all(isinstance(item, Mapping) for item in (*old, *new))
    ):
        old_items = {_item_label(item): item for item in old}
        new_items = {_item_label(item): item for item in new}
        changes = []
        for label in dict.fromkeys([*old_items, *new_items]):
            old_item = old_items.get(label, _ABSENT)
            new_item = new_items.get(label, _ABSENT)
            item_source = _source(new_item if new_item is not _ABSENT else old_item)
            changes += _walk(section, entry, f"{field}[{label}]", old_item, new_item, item_source)
        return changes
    return [FieldChange(section, entry, field, ChangeKind.CHANGED, old=old, new=new, source=source)]


def _absent_as_empty(old: Any, new: Any) -> bool:
    """A key one document lacks and the other has empty (null, []) is no change: a version
    published before the key existed (an evidence row's ``specificity``, a condition's
    ``forms``, a finding's ``question_for_child``) means the same as one that has it empty."""
    return (old is _ABSENT and new in (None, [], "")) or (new is _ABSENT and old in (None, [], ""))


def _source(value: Any) -> dict[str, Any] | None:
    if isinstance(value, Mapping) and any(key in value for key in SOURCE_KEYS):
        return {key: value.get(key) for key in SOURCE_KEYS}
    return None


def _item_label(item: Mapping) -> str:
    if "finding" in item:
        return evidence_label(item["finding"], item.get("population", "all"))
    return str(item.get("band", item.get("code", item.get("key"))))


def _is_list_of_plain_items(value: Any) -> bool:
    return isinstance(value, list) and not any(isinstance(item, Mapping) for item in value)
