"""The knowledge file: read, merge, validate, put in canonical form, and write it back.

The format is docs/knowledge-format.md. This module knows nothing of the database: it works on the
plain document (dicts and lists as PyYAML gives them), so the loader, the exporter, the publisher
and the tests all share one definition of a valid knowledge base.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from conditions.choices import (
    AnswerType,
    ConditionCategory,
    Population,
    QuestionnaireSection,
    Requirement,
    TriageLevel,
)
from conditions.engine.knowledge import OTHER_CAUSES_CODE

FORMAT_VERSION = 1
CODE_PATTERN = r"^[a-z][a-z0-9_]*$"
# Reference keys are slugs "firstauthor-year-topic"; hyphens and dots are common in them.
REFERENCE_KEY_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
OLDEST_AGE = 120
# Shares are written with two decimals; binary rounding must not make 0.45 + 0.55 exceed 1.
SUM_TOLERANCE = 1e-9
# Shares of a condition's forms are written with a few decimals: they add up to 1 within this.
SHARE_TOLERANCE = 1e-3

LIST_SECTIONS = ("age_bands", "references", "findings", "conditions", "red_flag_rules")
TOP_LEVEL_KEYS = ("format_version", "scoring", *LIST_SECTIONS)


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


# --- Field kinds: each checks one value and gives its canonical form ---


class Kind:
    """How one value is checked (``problem`` returns why it is wrong, or None) and normalised."""

    nullable = False

    def problem(self, value: Any) -> str | None:
        raise NotImplementedError

    def clean(self, value: Any) -> Any:
        return value


@dataclass(frozen=True)
class Text(Kind):
    max_length: int | None = None
    required: bool = False  # must not be empty
    pattern: str | None = None
    example: str = ""

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, str | int):
            return f"{value!r} is not text"
        text = str(value)
        if self.required and not text.strip():
            return "must not be empty"
        if self.max_length is not None and len(text) > self.max_length:
            return f"is {len(text)} characters long; at most {self.max_length} fit"
        if self.pattern is not None and not re.fullmatch(self.pattern, text):
            return f"{text!r} is not a valid code (for example {self.example})"
        return None

    def clean(self, value: Any) -> Any:
        # An unquoted number in YAML (snomed_ct: 69896004) is still meant as text.
        return str(value)


@dataclass(frozen=True)
class FindingCode(Kind):
    """The code of another finding, or null."""

    def problem(self, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not re.fullmatch(CODE_PATTERN, value):
            return f"{value!r} is not a finding code (for example morning_stiffness_over_30min)"
        return None


@dataclass(frozen=True)
class Choice(Kind):
    choices: type

    def problem(self, value: Any) -> str | None:
        if value not in self.choices.values:
            return f"{value!r} is not one of {', '.join(self.choices.values)}"
        return None


@dataclass(frozen=True)
class Boolean(Kind):
    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, bool) else f"{value!r} is not true or false"


@dataclass(frozen=True)
class WholeNumber(Kind):
    minimum: int = 0
    maximum: int | None = None
    nullable: bool = False
    unit: str = ""

    def problem(self, value: Any) -> str | None:
        if value is None:
            return None if self.nullable else "is missing a value"
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{value!r} is not a whole number{self.unit}"
        if value < self.minimum or (self.maximum is not None and value > self.maximum):
            upper = f" and {self.maximum}" if self.maximum is not None else ""
            return f"{value} is not between {self.minimum}{upper}"
        return None


@dataclass(frozen=True)
class Probability(Kind):
    exclusive: bool  # strictly between 0 and 1 (evidence, baselines) or from 0 to 1
    nullable: bool = False

    def problem(self, value: Any) -> str | None:
        if value is None and self.nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{value!r} is not a number"
        if self.exclusive and not 0 < value < 1:
            return f"{value} is not strictly between 0 and 1"
        if not self.exclusive and not 0 <= value <= 1:
            return f"{value} is not between 0 and 1"
        return None

    def clean(self, value: Any) -> Any:
        return None if value is None else float(value)


@dataclass(frozen=True)
class LikelihoodRatio(Kind):
    """A likelihood ratio of 1 or more (its inverse, at most 1, is meant with it)."""

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{value!r} is not a number"
        if not 1 <= value < math.inf:
            return f"{value} is not a number of 1 or more"
        return None

    def clean(self, value: Any) -> Any:
        return float(value)


@dataclass(frozen=True)
class ReferenceKey(Kind):
    nullable: bool = True

    def problem(self, value: Any) -> str | None:
        if value is None:
            return None if self.nullable else "is missing a reference key"
        if not isinstance(value, str) or not re.fullmatch(REFERENCE_KEY_PATTERN, value):
            return f"{value!r} is not a reference key (for example fischer-1999-limping-child)"
        return None


@dataclass(frozen=True)
class ListOf(Kind):
    """A list of plain values (codes) or of mappings described by ``spec``."""

    item: Kind | None = None
    spec: Mapping[str, Field] | None = None
    label: Callable[[Any], str] | None = None

    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, list) else f"{value!r} is not a list"


@dataclass(frozen=True)
class Nested(Kind):
    spec: Mapping[str, Field]

    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, Mapping) else f"{value!r} is not a mapping"


REQUIRED = object()


@dataclass(frozen=True)
class Field:
    kind: Kind
    default: Any = REQUIRED


def _code_kind(max_length: int = 60) -> Text:
    return Text(
        max_length=max_length, required=True, pattern=CODE_PATTERN, example="rheumatoid_arthritis"
    )


AGE = WholeNumber(maximum=OLDEST_AGE, nullable=True, unit=" of years")
WEEKS = WholeNumber(nullable=True, unit=" of weeks")

SOURCING = {
    "reference": Field(ReferenceKey(), default=None),
    "expert_estimate": Field(Boolean(), default=False),
    "note": Field(Text(), default=""),
}
DURATION = {
    "le_2_weeks": Field(Probability(exclusive=False)),
    "ge_6_weeks": Field(Probability(exclusive=False)),
    "ge_12_weeks": Field(Probability(exclusive=False)),
    **SOURCING,
}
# What the result page shows (issue 14): a condition is listed when ranked first or at
# fits_probability or more, and "fits well" from fits_well_probability; an answer is a reason when
# its likelihood ratio is reason_likelihood_ratio or more, or its inverse or less.
RESULT_THRESHOLDS = {
    "fits_probability": Field(Probability(exclusive=False)),
    "fits_well_probability": Field(Probability(exclusive=False)),
    "reason_likelihood_ratio": Field(LikelihoodRatio()),
    **SOURCING,
}
# A document written before these were data: the figures the result page used then.
DEFAULT_RESULT_THRESHOLDS = {
    "fits_probability": 0.10,
    "fits_well_probability": 0.40,
    "reason_likelihood_ratio": 2.0,
    "reference": None,
    "expert_estimate": True,
    "note": "Expert estimate: the figures the result page used before it read them (issue 14).",
}
SCORING = {
    "plausible_probability": Field(Probability(exclusive=False)),
    "baseline_duration": Field(Nested(DURATION)),
    "result_thresholds": Field(Nested(RESULT_THRESHOLDS), default=DEFAULT_RESULT_THRESHOLDS),
}
AGE_BAND = {
    "code": Field(Text(max_length=20, required=True)),
    "min_age": Field(WholeNumber(maximum=OLDEST_AGE)),
    "max_age": Field(WholeNumber(maximum=OLDEST_AGE)),
}
REFERENCE = {
    "key": Field(
        Text(
            max_length=100,
            required=True,
            pattern=REFERENCE_KEY_PATTERN,
            example="fischer-1999-limping-child",
        )
    ),
    "citation": Field(Text(required=True)),
    "url": Field(Text(max_length=500), default=""),
    "doi": Field(Text(max_length=200), default=""),
    "note": Field(Text(), default=""),
}
FINDING = {
    "code": Field(_code_kind()),
    "question": Field(Text(required=True)),
    "help_text": Field(Text(), default=""),
    # What a yes and a no say as a reason on the result page ("You have had a fever").
    "statement_yes": Field(Text(), default=""),
    "statement_no": Field(Text(), default=""),
    "answer_type": Field(Choice(AnswerType), default=AnswerType.YES_NO.value),
    "section": Field(Choice(QuestionnaireSection)),
    "order": Field(WholeNumber(maximum=32767), default=0),
    "min_age": Field(AGE, default=None),
    "max_age": Field(AGE, default=None),
    "blocks_self_care": Field(Boolean(), default=False),
    "allows_not_sure": Field(Boolean(), default=True),
    "follow_up_for": Field(FindingCode(), default=None),
    "implies": Field(FindingCode(), default=None),
    "baseline": Field(
        Nested(
            {
                "adult": Field(Probability(exclusive=True)),
                "child": Field(Probability(exclusive=True)),
                **SOURCING,
            }
        )
    ),
}
PRIOR = {
    "band": Field(Text(max_length=20, required=True)),
    "probability": Field(Probability(exclusive=False)),
    **SOURCING,
}
EVIDENCE = {
    "finding": Field(_code_kind()),
    "population": Field(Choice(Population), default=Population.ALL.value),
    "probability": Field(Probability(exclusive=True)),
    # From a study of the same complaint: probability is the sensitivity, and 1 − specificity is
    # P(yes | other hip pain), used instead of the finding's baseline (clinical decision 2).
    "specificity": Field(Probability(exclusive=True, nullable=True), default=None),
    **SOURCING,
}
# A condition scored as a mixture of its distinct forms (clinical decision 3): each form has its
# share of the condition's cases and its own evidence rows; a finding without a row of the form
# uses the condition's row.
FORM = {
    "code": Field(_code_kind()),
    "name": Field(Text(max_length=200, required=True)),
    "description": Field(Text(), default=""),
    "share": Field(Probability(exclusive=True)),
    **SOURCING,
}


def _evidence_label(evidence: Mapping) -> str:
    population = evidence.get("population", Population.ALL.value)
    finding = evidence.get("finding")
    return str(finding) if population == Population.ALL.value else f"{finding}, {population}"


FORM["evidence"] = Field(ListOf(spec=EVIDENCE, label=_evidence_label), default=[])

CONDITION = {
    "code": Field(_code_kind()),
    "name": Field(Text(max_length=200, required=True)),
    "summary": Field(Text(required=True)),
    "category": Field(Choice(ConditionCategory)),
    "is_other_causes": Field(Boolean(), default=False),
    "min_age": Field(AGE, default=None),
    "max_age": Field(AGE, default=None),
    "sex": Field(Nested({"female_share": Field(Probability(exclusive=False)), **SOURCING})),
    "urgency": Field(Choice(TriageLevel)),
    "self_care_max_duration_weeks": Field(WEEKS, default=None),
    "doctor_checks": Field(Text(), default=""),
    "management": Field(Text(), default=""),
    "icd10": Field(Text(max_length=100), default=""),
    "snomed_ct": Field(Text(max_length=100), default=""),
    "references": Field(ListOf(item=ReferenceKey(nullable=False)), default=[]),
    "priors": Field(ListOf(spec=PRIOR, label=lambda prior: str(prior.get("band")))),
    "duration": Field(Nested(DURATION)),
    "evidence": Field(ListOf(spec=EVIDENCE, label=_evidence_label), default=[]),
    "forms": Field(ListOf(spec=FORM, label=lambda form: str(form.get("code"))), default=[]),
}
RED_FLAG_RULE = {
    "code": Field(_code_kind()),
    "name": Field(Text(max_length=200, required=True)),
    "urgency": Field(Choice(TriageLevel)),
    "concern": Field(Text(max_length=200, required=True)),
    "concern_conditions": Field(ListOf(item=_code_kind()), default=[]),
    "cap_unless_ranked_first": Field(Boolean(), default=False),
    "min_age": Field(AGE, default=None),
    "max_age": Field(AGE, default=None),
    "duration_min_weeks": Field(WEEKS, default=None),
    "duration_below_weeks": Field(WEEKS, default=None),
    "requires_present": Field(ListOf(item=_code_kind()), default=[]),
    "requires_absent": Field(ListOf(item=_code_kind()), default=[]),
    "requires_any_of": Field(ListOf(item=_code_kind()), default=[]),
    "qualifier_absent": Field(ListOf(item=_code_kind()), default=[]),
    "message": Field(Text(required=True)),
    "if_unanswered": Field(Text(required=True)),
    "reason": Field(Text(required=True)),
    **SOURCING,
}
# A red-flag rule's finding lists, in file order, and the requirement each stands for.
REQUIREMENT_LISTS = {
    "requires_present": Requirement.PRESENT,
    "requires_absent": Requirement.ABSENT,
    "requires_any_of": Requirement.ANY_OF,
    "qualifier_absent": Requirement.QUALIFIER_ABSENT,
}

SECTION_SPECS: dict[str, tuple[Mapping[str, Field], str]] = {
    # section: (spec of one entry, the key that identifies it)
    "age_bands": (AGE_BAND, "code"),
    "references": (REFERENCE, "key"),
    "findings": (FINDING, "code"),
    "conditions": (CONDITION, "code"),
    "red_flag_rules": (RED_FLAG_RULE, "code"),
}


def _entry_label(section: str, entry: Any) -> str | None:
    key = SECTION_SPECS[section][1]
    if isinstance(entry, Mapping) and entry.get(key) is not None:
        return str(entry[key])
    return None


# --- Validation ---


def _share(
    condition: Mapping, findings: Mapping[str, Mapping], finding: str, population: str
) -> float:
    """P(finding | condition) for a population: its evidence row, else the finding's baseline."""
    for row in condition.get("evidence", []):
        if row["finding"] == finding and row.get("population", "all") == population:
            return row["probability"]
    for row in condition.get("evidence", []):
        if row["finding"] == finding and row.get("population", "all") == "all":
            return row["probability"]
    return findings[finding]["baseline"][population]


def validate(document: Any, *, sources: Mapping[str, str] | None = None) -> list[str]:
    """Every problem of the document, each as "location: what is wrong"; empty when valid."""
    return _Validator(document, sources or {}).errors


class _Validator:
    def __init__(self, document: Any, sources: Mapping[str, str]) -> None:
        self.errors: list[str] = []
        self.sources = sources
        if not isinstance(document, Mapping):
            self.errors.append("the document must be a mapping of top-level keys")
            return
        self.document = document
        self.check_top_level()
        if self.errors:
            return
        # Codes first, so every cross-reference can be checked against them.
        self.reference_keys = self.codes_of("references")
        self.finding_codes = self.codes_of("findings")
        self.band_codes = self.codes_of("age_bands")
        self.check_mapping("scoring", document["scoring"], SCORING)
        for section, (spec, _key) in SECTION_SPECS.items():
            for index, entry in enumerate(document.get(section, [])):
                label = _entry_label(section, entry)
                where = f"{section}[{label if label is not None else index}]"
                self.check_mapping(where, entry, spec)
        if self.errors:
            # Relations between entries are only meaningful once each entry is well formed.
            return
        self.check_unique_codes()
        self.check_age_bands()
        self.check_durations("scoring.baseline_duration", document["scoring"]["baseline_duration"])
        self.check_result_thresholds(document["scoring"].get("result_thresholds"))
        for condition in document.get("conditions", []):
            self.check_condition(condition)
        self.check_other_causes()
        self.check_implications()
        self.check_follow_ups()
        for rule in document.get("red_flag_rules", []):
            self.check_red_flag_rule(rule)

    def add(self, where: str, problem: str) -> None:
        head = where.split(".", 1)[0]
        source = self.sources.get(head)
        self.errors.append(f"{source}: {where}: {problem}" if source else f"{where}: {problem}")

    def codes_of(self, section: str) -> set[str]:
        key = SECTION_SPECS[section][1]
        return {
            str(entry[key])
            for entry in self.document.get(section, [])
            if isinstance(entry, Mapping) and entry.get(key) is not None
        }

    def check_top_level(self) -> None:
        for key in self.document:
            if key not in TOP_LEVEL_KEYS:
                self.add(
                    str(key), f"unknown top-level key (expected one of {', '.join(TOP_LEVEL_KEYS)})"
                )
        if self.document.get("format_version") != FORMAT_VERSION:
            self.add(
                "format_version", f"{self.document.get('format_version')!r} is not {FORMAT_VERSION}"
            )
        if "scoring" not in self.document:
            self.add("scoring", "missing; it must be given in exactly one file")
        for section in LIST_SECTIONS:
            if not isinstance(self.document.get(section, []), list):
                self.add(section, "must be a list")
        for section in ("age_bands", "findings", "conditions"):
            if not self.document.get(section):
                self.add(section, "is empty; the knowledge base needs at least one")

    def check_mapping(self, where: str, value: Any, spec: Mapping[str, Field]) -> None:
        if not isinstance(value, Mapping):
            self.add(where, f"{value!r} is not a mapping")
            return
        for key in value:
            if key not in spec:
                self.add(f"{where}.{key}", f"unknown key (expected one of {', '.join(spec)})")
        for key, spec_field in spec.items():
            if key not in value:
                if spec_field.default is REQUIRED:
                    self.add(f"{where}.{key}", "missing")
                continue
            self.check_value(f"{where}.{key}", value[key], spec_field.kind)
        if (
            "expert_estimate" in spec
            and value.get("reference") is None
            and value.get("expert_estimate") is not True
        ):
            self.add(
                where, "has no source: set reference to a reference key, or expert_estimate: true"
            )

    def check_value(self, where: str, value: Any, kind: Kind) -> None:
        problem = kind.problem(value)
        if problem is not None:
            self.add(where, problem)
            return
        if (
            isinstance(kind, ReferenceKey)
            and value is not None
            and value not in self.reference_keys
        ):
            self.add(where, f"reference {value!r} is not in references")
        elif isinstance(kind, Nested):
            self.check_mapping(where, value, kind.spec)
        elif isinstance(kind, ListOf):
            for index, item in enumerate(value):
                if kind.spec is not None:
                    label = kind.label(item) if kind.label and isinstance(item, Mapping) else index
                    self.check_mapping(f"{where}[{label}]", item, kind.spec)
                else:
                    self.check_value(f"{where}[{index}]", item, kind.item)

    def check_unique_codes(self) -> None:
        for section, (_spec, key) in SECTION_SPECS.items():
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
            label = f"{where}.evidence[{_evidence_label(evidence)}]"
            if evidence["finding"] not in self.finding_codes:
                self.add(label, f"finding {evidence['finding']!r} is not in findings")
            pair = (evidence["finding"], evidence.get("population", Population.ALL.value))
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

    def check_implications(self) -> None:
        findings = {entry["code"]: entry for entry in self.document.get("findings", [])}
        implied: set[str] = set()
        for code, finding in findings.items():
            target = finding.get("implies")
            if target is None:
                continue
            where = f"findings[{code}].implies"
            if target not in findings or target == code:
                self.add(where, f"{target!r} is not another finding of this knowledge base")
                continue
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
        findings = {entry["code"]: entry for entry in self.document.get("findings", [])}
        followed: set[str] = set()
        for code, finding in findings.items():
            target = finding.get("follow_up_for")
            if target is None:
                continue
            where = f"findings[{code}].follow_up_for"
            if target not in findings or target == code:
                self.add(where, f"{target!r} is not another finding of this knowledge base")
            elif not findings[target].get("allows_not_sure", True):
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


# --- Canonical form, checksum and YAML ---


def canonical(document: Mapping) -> dict[str, Any]:
    """The valid document with defaults filled in, keys in format order and lists sorted by code.

    This is the exact shape a published version stores and the exporter writes.
    """
    result: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "scoring": _canonical_mapping(document["scoring"], SCORING),
    }
    for section, (spec, key) in SECTION_SPECS.items():
        entries = [_canonical_mapping(entry, spec) for entry in document.get(section, [])]
        # Age bands read youngest first; everything else is sorted by its code.
        order = (
            (lambda entry: entry["min_age"])
            if section == "age_bands"
            else (lambda entry, key=key: entry[key])
        )
        result[section] = sorted(entries, key=order)
    band_position = {band["code"]: position for position, band in enumerate(result["age_bands"])}
    for condition in result["conditions"]:
        condition["references"] = sorted(condition["references"])
        condition["priors"].sort(
            key=lambda prior: band_position.get(prior["band"], len(band_position))
        )
        condition["evidence"].sort(key=_evidence_order)
        condition["forms"].sort(key=lambda form: form["code"])
        for form in condition["forms"]:
            form["evidence"].sort(key=_evidence_order)
    for rule in result["red_flag_rules"]:
        rule["concern_conditions"] = sorted(rule["concern_conditions"])
        for requirement in REQUIREMENT_LISTS:
            rule[requirement] = sorted(rule[requirement])
    return result


def _evidence_order(evidence: Mapping) -> tuple[str, str]:
    return evidence["finding"], evidence["population"]


def _canonical_mapping(value: Mapping, spec: Mapping[str, Field]) -> dict[str, Any]:
    result = {}
    for key, spec_field in spec.items():
        item = value.get(key, spec_field.default)
        kind = spec_field.kind
        if item is None:
            result[key] = None
        elif isinstance(kind, Nested):
            result[key] = _canonical_mapping(item, kind.spec)
        elif isinstance(kind, ListOf):
            result[key] = [
                _canonical_mapping(element, kind.spec)
                if kind.spec is not None
                else kind.item.clean(element)
                for element in item
            ]
        else:
            result[key] = kind.clean(item)
    return result


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


# --- What changed between two documents ---


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
    for section, (_spec, key) in SECTION_SPECS.items():
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
