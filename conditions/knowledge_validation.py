"""Validation of a knowledge document: every problem, each as "location: what is wrong".

Each entry is checked against the declared document (``conditions.engine.knowledge_format``),
whose errors are worded here as the curators read them; then the relations between entries
(codes named elsewhere, age bands that tile the ages, shares that add up) are checked.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from conditions.engine.knowledge import OTHER_CAUSES_CODE
from conditions.engine.knowledge_format import (
    EVERYONE,
    FORMAT_VERSION,
    OLDEST_AGE,
    SECTIONS,
    SHARE_TOLERANCE,
    SUM_TOLERANCE,
    TOP_LEVEL_KEYS,
    KnowledgeDocument,
    RedFlagRuleEntry,
    declared_within,
    evidence_label,
    is_sourced,
)

LIST_SECTIONS = tuple(SECTIONS)
REQUIREMENT_LISTS = RedFlagRuleEntry.REQUIREMENT_LISTS
NO_SOURCE = "has no source: set reference to a reference key, or expert_estimate: true"


def validate(document: Any, *, sources: Mapping[str, str] | None = None) -> list[str]:
    """Every problem of the document, each as "location: what is wrong"; empty when valid.

    ``sources`` maps entries (``findings[fever]``) to the file they came from, named first.
    """
    return _Validator(document, sources or {}).errors


# --- Where a problem is, and what the declared document has there ---


def _item_where(where: str, index: int, item: Any, entry: type[BaseModel] | None) -> str:
    label = entry.label(item) if entry is not None and isinstance(item, Mapping) else None
    return f"{where}[{label if label is not None else index}]"


def _located(loc: tuple[Any, ...], document: Any) -> tuple[str, type[BaseModel] | None]:
    """A pydantic location as messages name it (``conditions[x].evidence[fever]``), and the
    entry declared there."""
    where, value = "", document
    model: type[BaseModel] | None = KnowledgeDocument
    item_model: type[BaseModel] | None = None
    for step in loc:
        if isinstance(step, int):
            item = value[step] if isinstance(value, list) and 0 <= step < len(value) else None
            where = _item_where(where, step, item, item_model)
            value, model, item_model = item, item_model, None
        else:
            where = f"{where}.{step}" if where else str(step)
            value = value.get(step) if isinstance(value, Mapping) else None
            model, item_model = declared_within(model, step)
    return where, model


def _message(detail: Mapping[str, Any], document: Any) -> tuple[str, str]:
    where, _model = _located(detail["loc"], document)
    kind = detail["type"]
    if kind == "knowledge":
        return where, detail["ctx"]["problem"]
    if kind == "missing":
        return where, "missing"
    if kind == "extra_forbidden":
        _where, owner = _located(detail["loc"][:-1], document)
        expected = ", ".join(owner.model_fields) if owner is not None else ""
        return where, f"unknown key (expected one of {expected})"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return where, f"{detail['input']!r} is not a mapping"
    if kind == "list_type":
        return where, f"{detail['input']!r} is not a list"
    return where, detail["msg"]


def _unsourced(value: Any, model: type[BaseModel], where: str) -> Iterator[str]:
    """Where a figure names neither a reference nor an expert estimate."""
    if not isinstance(value, Mapping):
        return
    if (
        is_sourced(model)
        and value.get("reference") is None
        and value.get("expert_estimate") is not True
    ):
        yield where
    for name in model.model_fields:
        if name not in value:
            continue
        place = f"{where}.{name}" if where else name
        entry, item_entry = declared_within(model, name)
        if entry is not None:
            yield from _unsourced(value[name], entry, place)
        elif item_entry is not None and isinstance(value[name], list):
            for index, item in enumerate(value[name]):
                yield from _unsourced(item, item_entry, _item_where(place, index, item, item_entry))


def _share(
    condition: Mapping, findings: Mapping[str, Mapping], finding: str, population: str
) -> float:
    """P(finding | condition) for a population: its evidence row, else the finding's baseline."""
    for row in condition["evidence"]:
        if row["finding"] == finding and row["population"] == population:
            return row["probability"]
    for row in condition["evidence"]:
        if row["finding"] == finding and row["population"] == EVERYONE:
            return row["probability"]
    return findings[finding]["baseline"][population]


class _Validator:
    """Collects every problem: the top level first, then each entry against the declared
    document (with its source), then, once all are well formed, the relations between them."""

    def __init__(self, document: Any, sources: Mapping[str, str]) -> None:
        self.errors: list[str] = []
        self.sources = sources
        if not isinstance(document, Mapping):
            self.errors.append("the document must be a mapping of top-level keys")
            return
        self.check_top_level(document)
        if self.errors:
            return
        # Codes first, so every cross-reference can be checked against them.
        reference_keys = self.codes_of(document, "references")
        try:
            valid = KnowledgeDocument.model_validate(
                document, context={"reference_keys": reference_keys}
            )
        except ValidationError as invalid:
            for detail in invalid.errors(include_url=False):
                self.add(*_message(detail, document))
            valid = None
        for where in _unsourced(document, KnowledgeDocument, ""):
            self.add(where, NO_SOURCE)
        if valid is None or self.errors:
            # Relations between entries are only meaningful once each entry is well formed.
            return
        self.document = valid.model_dump()
        self.finding_codes = self.codes_of(self.document, "findings")
        self.band_codes = self.codes_of(self.document, "age_bands")
        self.check_unique_codes()
        self.check_age_bands()
        scoring = self.document["scoring"]
        self.check_durations("scoring.baseline_duration", scoring["baseline_duration"])
        self.check_result_thresholds(scoring["result_thresholds"])
        self.check_interview(scoring["interview"])
        for condition in self.document["conditions"]:
            self.check_condition(condition)
        self.check_other_causes()
        self.check_implications()
        self.check_follow_ups()
        for rule in self.document["red_flag_rules"]:
            self.check_red_flag_rule(rule)

    def add(self, where: str, problem: str) -> None:
        head = where.split(".", 1)[0]
        source = self.sources.get(head)
        self.errors.append(f"{source}: {where}: {problem}" if source else f"{where}: {problem}")

    @staticmethod
    def codes_of(document: Mapping, section: str) -> set[str]:
        key = SECTIONS[section][1]
        return {
            str(entry[key])
            for entry in document.get(section) or []
            if isinstance(entry, Mapping) and entry.get(key) is not None
        }

    def check_top_level(self, document: Mapping) -> None:
        for key in document:
            if key not in TOP_LEVEL_KEYS:
                self.add(
                    str(key), f"unknown top-level key (expected one of {', '.join(TOP_LEVEL_KEYS)})"
                )
        if document.get("format_version") != FORMAT_VERSION:
            self.add(
                "format_version", f"{document.get('format_version')!r} is not {FORMAT_VERSION}"
            )
        if "scoring" not in document:
            self.add("scoring", "missing; it must be given in exactly one file")
        for section in LIST_SECTIONS:
            if not isinstance(document.get(section, []), list):
                self.add(section, "must be a list")
        for section in ("age_bands", "findings", "conditions"):
            if not document.get(section):
                self.add(section, "is empty; the knowledge base needs at least one")

    def check_unique_codes(self) -> None:
        for section, (_entry, key) in SECTIONS.items():
            seen: set[str] = set()
            for entry in self.document.get(section, []):
                code = str(entry[key])
                if code in seen:
                    self.add(f"{section}[{code}]", f"{key} {code!r} is given more than once")
                seen.add(code)

    def check_age_range(self, where: str, entry: Mapping) -> None:
        min_age, max_age = entry.get("min_age"), entry.get("max_age")
        if min_age is not None and max_age is not None and min_age > max_age:
            self.add(where, f"min_age {min_age} is above max_age {max_age}")

    def check_age_bands(self) -> None:
        bands = sorted(self.document["age_bands"], key=lambda band: band["min_age"])
        expected_start = 0
        for band in bands:
            where = f"age_bands[{band['code']}]"
            self.check_age_range(where, band)
            if band["min_age"] != expected_start:
                gap_or_overlap = (
                    "overlaps the band before"
                    if band["min_age"] < expected_start
                    else "leaves a gap"
                )
                self.add(
                    where,
                    f"starts at {band['min_age']} and {gap_or_overlap}; expected {expected_start}",
                )
            expected_start = band["max_age"] + 1
        if expected_start != OLDEST_AGE + 1:
            self.add("age_bands", f"the last band must end at {OLDEST_AGE}")

    def check_result_thresholds(self, thresholds: Mapping | None) -> None:
        if thresholds is None:
            return
        if thresholds["fits_well_probability"] < thresholds["fits_probability"]:
            self.add(
                "scoring.result_thresholds",
                "fits_well_probability is below fits_probability: a condition that fits well "
                "is one that is listed",
            )

    def check_interview(self, interview: Mapping | None) -> None:
        if interview is None:
            return
        if interview["min_questions"] > interview["max_questions"]:
            self.add(
                "scoring.interview",
                "min_questions is above max_questions: the interview could never stop",
            )
        if interview["opening_questions"] > interview["max_questions"]:
            self.add(
                "scoring.interview",
                "opening_questions is above max_questions: no finding would ever be asked",
            )

    def check_durations(self, where: str, duration: Mapping) -> None:
        if duration["le_2_weeks"] + duration["ge_6_weeks"] > 1 + SUM_TOLERANCE:
            self.add(where, "le_2_weeks + ge_6_weeks is above 1; they describe different people")
        if duration["ge_12_weeks"] > duration["ge_6_weeks"]:
            self.add(
                where, "ge_12_weeks is above ge_6_weeks; everyone past 12 weeks is past 6 weeks"
            )

    def check_condition(self, condition: Mapping) -> None:
        where = f"conditions[{condition['code']}]"
        self.check_age_range(where, condition)
        self.check_durations(f"{where}.duration", condition["duration"])
        seen_bands: set[str] = set()
        for prior in condition["priors"]:
            band = str(prior["band"])
            if band not in self.band_codes:
                self.add(f"{where}.priors[{band}]", f"band {band!r} is not in age_bands")
            elif band in seen_bands:
                self.add(f"{where}.priors[{band}]", "is given more than once")
            seen_bands.add(band)
        for band in sorted(self.band_codes - seen_bands):
            self.add(f"{where}.priors", f"no prior for age band {band!r}; give one for every band")
        self.check_evidence_rows(where, condition.get("evidence", []))
        self.check_forms(where, condition.get("forms", []))

    def check_evidence_rows(self, where: str, rows: list[Mapping]) -> None:
        seen_evidence: set[tuple[str, str]] = set()
        for evidence in rows:
            label = (
                f"{where}.evidence[{evidence_label(evidence['finding'], evidence['population'])}]"
            )
            if evidence["finding"] not in self.finding_codes:
                self.add(label, f"finding {evidence['finding']!r} is not in findings")
            pair = (evidence["finding"], evidence["population"])
            if pair in seen_evidence:
                self.add(label, "is given more than once for this population")
            seen_evidence.add(pair)
            specificity = evidence.get("specificity")
            if specificity is not None and evidence["probability"] <= 1 - specificity:
                # Sensitivity ≤ 1 − specificity would make a "yes" speak against the condition
                # while the study reports it as a sign of it: almost surely a typing error.
                self.add(
                    label,
                    f"sensitivity {evidence['probability']} is not above 1 − specificity "
                    f"{round(1 - specificity, 6)}: a yes would lower the condition",
                )

    def check_forms(self, where: str, forms: list[Mapping]) -> None:
        if not forms:
            return
        if len(forms) < 2:
            self.add(f"{where}.forms", "a condition with forms needs at least two of them")
        seen: set[str] = set()
        for form in forms:
            form_where = f"{where}.forms[{form['code']}]"
            if form["code"] in seen:
                self.add(form_where, "is given more than once")
            seen.add(form["code"])
            self.check_evidence_rows(form_where, form.get("evidence", []))
        total = math.fsum(form["share"] for form in forms)
        if abs(total - 1.0) > SHARE_TOLERANCE:
            self.add(f"{where}.forms", f"the shares add up to {round(total, 6)}, not 1")

    def check_other_causes(self) -> None:
        flagged = [
            condition["code"]
            for condition in self.document["conditions"]
            if condition.get("is_other_causes")
        ]
        if len(flagged) != 1:
            self.add(
                "conditions",
                "exactly one condition must have is_other_causes: true "
                f"(code {OTHER_CAUSES_CODE}); found {len(flagged)}",
            )
        for code in flagged:
            if code != OTHER_CAUSES_CODE:
                self.add(
                    f"conditions[{code}].is_other_causes",
                    f"only {OTHER_CAUSES_CODE} can be the other-causes class",
                )

    def finding_links(self, name: str) -> Iterator[tuple[dict[str, Mapping], str, str, str]]:
        """(the findings by code, code, target, where) for each finding whose field ``name``
        names another finding; one that names no other finding is reported here."""
        findings = {entry["code"]: entry for entry in self.document.get("findings", [])}
        for code, finding in findings.items():
            target = finding.get(name)
            if target is None:
                continue
            where = f"findings[{code}].{name}"
            if target not in findings or target == code:
                self.add(where, f"{target!r} is not another finding of this knowledge base")
                continue
            yield findings, code, target, where

    def check_implications(self) -> None:
        implied: set[str] = set()
        for findings, code, target, where in self.finding_links("implies"):
            if findings[target].get("implies") is not None or target in implied:
                self.add(where, f"{target} is already part of another implication")
            implied.add(target)
            for condition in self.document.get("conditions", []):
                for population in ("adult", "child"):
                    implier_share = _share(condition, findings, code, population)
                    implied_share = _share(condition, findings, target, population)
                    if implier_share > implied_share:
                        self.add(
                            f"conditions[{condition['code']}]",
                            f"P({code}) {implier_share} is above P({target}) {implied_share} "
                            f"({population}), but {code} implies {target}",
                        )

    def check_follow_ups(self) -> None:
        followed: set[str] = set()
        for findings, _code, target, where in self.finding_links("follow_up_for"):
            if not findings[target].get("allows_not_sure", True):
                self.add(where, f"{target} cannot be answered not sure, so it needs no follow-up")
            elif findings[target].get("follow_up_for") is not None or target in followed:
                self.add(where, f"{target} already has a follow-up or is one")
            else:
                followed.add(target)

    def check_red_flag_rule(self, rule: Mapping) -> None:
        where = f"red_flag_rules[{rule['code']}]"
        self.check_age_range(where, rule)
        minimum, below = rule.get("duration_min_weeks"), rule.get("duration_below_weeks")
        if minimum is not None and below is not None and minimum >= below:
            self.add(
                where, f"duration_min_weeks {minimum} must be below duration_below_weeks {below}"
            )
        named: set[str] = set()
        for requirement in REQUIREMENT_LISTS:
            for code in rule.get(requirement, []):
                if code not in self.finding_codes:
                    self.add(f"{where}.{requirement}", f"finding {code!r} is not in findings")
                if code in named:
                    self.add(
                        f"{where}.{requirement}",
                        f"finding {code!r} is named more than once in the rule",
                    )
                named.add(code)
        condition_codes = {
            entry["code"]
            for entry in self.document.get("conditions", [])
            if not entry.get("is_other_causes")
        }
        for code in rule.get("concern_conditions", []):
            if code not in condition_codes:
                self.add(f"{where}.concern_conditions", f"{code!r} is not a named condition")
        if rule.get("qualifier_absent") and not rule.get("concern_conditions"):
            self.add(
                f"{where}.qualifier_absent",
                "a qualifier caps the rule's concern conditions: name them in concern_conditions",
            )
        if not rule.get("requires_present") and not rule.get("requires_any_of"):
            self.add(
                where,
                "names no finding in requires_present or requires_any_of, so it would always fire",
            )
