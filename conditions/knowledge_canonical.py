"""The canonical form of a knowledge document, its checksum and its YAML.

The canonical form is the exact shape a published version stores and the exporter writes: the
declared document's dump (defaults filled in, keys in format order), lists sorted by code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import yaml

from conditions.engine.knowledge_format import (
    FORMAT_VERSION,
    SECTIONS,
    KnowledgeDocument,
    RedFlagRuleEntry,
)


def canonical(document: Mapping) -> dict[str, Any]:
    """The valid document with defaults filled in, keys in format order and lists sorted by code.

    This is the exact shape a published version stores and the exporter writes.
    """
    result = KnowledgeDocument.model_validate(document).model_dump()
    result["format_version"] = FORMAT_VERSION
    for section, (_entry, key) in SECTIONS.items():
        # Age bands read youngest first; everything else is sorted by its code.
        order = (
            (lambda entry: entry["min_age"])
            if section == "age_bands"
            else (lambda entry, key=key: entry[key])
        )
        result[section].sort(key=order)
    band_position = {band["code"]: position for position, band in enumerate(result["age_bands"])}
    for condition in result["conditions"]:
        condition["references"].sort()
        condition["priors"].sort(
            key=lambda prior: band_position.get(prior["band"], len(band_position))
        )
        condition["evidence"].sort(key=_evidence_order)
        condition["forms"].sort(key=lambda form: form["code"])
        for form in condition["forms"]:
            form["evidence"].sort(key=_evidence_order)
    for rule in result["red_flag_rules"]:
        rule["concern_conditions"].sort()
        for requirement in RedFlagRuleEntry.REQUIREMENT_LISTS:
            rule[requirement].sort()
    return result


def _evidence_order(evidence: Mapping) -> tuple[str, str]:
    return evidence["finding"], evidence["population"]


def checksum(document: Mapping) -> str:
    """SHA-256 of the document, independent of key order (PostgreSQL JSONB reorders keys)."""
    encoded = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def dump(document: Mapping) -> str:
    """The document as one YAML file, keys in format order (pass it through ``canonical`` first)."""
    header = (
        "# Knowledge base exported by manage.py export_knowledge_base; "
        "format: docs/knowledge-format.md\n"
    )
    return header + yaml.safe_dump(
        dict(document), sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
