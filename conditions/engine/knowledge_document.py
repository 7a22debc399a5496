"""``knowledge_base_from_document``: the engine's snapshot from a knowledge document.

The document is the dict described in docs/knowledge-format.md (the merged knowledge file, or a
published ``KnowledgeBaseVersion`` snapshot). Building checks what the engine relies on and
precomputes the scoring tables, so that ``assess`` only adds numbers up.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, TypeVar

from .knowledge import (
    DURATION_CODE,
    FORM_CODE,
    INTERVIEW_FIGURES,
    OTHER_CAUSES_CODE,
    AgeBand,
    Condition,
    ConditionForm,
    DurationProfile,
    Evidence,
    Finding,
    InterviewPolicy,
    KnowledgeBase,
    KnowledgeBaseError,
    RedFlagRule,
    ResultThresholds,
)
from .knowledge_format import (
    SHARE_TOLERANCE,
    ConditionEntry,
    Entry,
    FindingEntry,
    RedFlagRuleEntry,
)
from .people import Population
from .scoring import build_score_tables
from .triage import Triage

_Parsed = TypeVar("_Parsed")


def knowledge_base_from_document(document: Mapping[str, Any], *, version: int) -> KnowledgeBase:
    """Build the engine's snapshot from a knowledge document (all keys present, merged).

    Raises ``KnowledgeBaseError`` when the document breaks an invariant the engine relies on
    (unknown codes, probabilities outside (0, 1), no usable ``other_causes`` class...).
    """
    age_bands = tuple(_parse_all(document, "age_bands", _age_band))
    finding_list = sorted(_parse_all(document, "findings", _finding), key=_code)
    classes = _parse_all(document, "conditions", _condition)
    rules = tuple(sorted(_parse_all(document, "red_flag_rules", _red_flag_rule), key=_code))
    try:
        scoring = document["scoring"]
        plausible_probability = float(scoring["plausible_probability"])
        baseline_duration = _duration(scoring["baseline_duration"])
        result_thresholds = _result_thresholds(scoring.get("result_thresholds"))
        interview_policy = _interview_policy(scoring.get("interview"))
    except (KeyError, TypeError, ValueError) as error:
        raise KnowledgeBaseError(f"scoring: missing or malformed {error}") from error

    if baseline_duration is None:
        raise KnowledgeBaseError("scoring.baseline_duration is required")
    _check_unique("finding", [finding.code for finding in finding_list])
    _check_unique("condition", [c.code for c in classes])
    _check_unique("red-flag rule", [rule.code for rule in rules])
    _check_unique("age band", [band.code for band in age_bands])
    findings = {finding.code: finding for finding in finding_list}
    for reserved in (DURATION_CODE, FORM_CODE):
        if reserved in findings:
            raise KnowledgeBaseError(f"'{reserved}' is reserved for explanations, not a finding")
    for finding in finding_list:
        if not (
            _is_probability(finding.baseline_adult) and _is_probability(finding.baseline_child)
        ):
            raise KnowledgeBaseError(f"finding {finding.code}: baselines must be within (0, 1)")
    _check_implications(findings)
    _check_follow_ups(findings)
    others = [c for c in classes if c.is_other_causes]
    if len(others) != 1 or others[0].code != OTHER_CAUSES_CODE:
        raise KnowledgeBaseError("Exactly one condition, other_causes, must have is_other_causes")
    for condition in classes:
        _check_condition(condition, findings, age_bands)
    _check_other_causes(others[0], age_bands)
    named_codes = {c.code for c in classes if not c.is_other_causes}
    for rule in rules:
        _check_rule(rule, findings, named_codes)

    named = tuple(sorted((c for c in classes if not c.is_other_causes), key=lambda c: c.code))
    tables = build_score_tables(
        conditions=named,
        other_causes=others[0],
        findings=findings,
        age_bands=age_bands,
        baseline_duration=baseline_duration,
    )
    return KnowledgeBase(
        version=version,
        plausible_probability=plausible_probability,
        baseline_duration=baseline_duration,
        age_bands=age_bands,
        findings=MappingProxyType(findings),
        conditions=named,
        other_causes=others[0],
        red_flag_rules=rules,
        result_thresholds=result_thresholds,
        score_tables=tables,
        interview_policy=interview_policy,
    )


def _interview_policy(entry: Mapping[str, Any] | None) -> InterviewPolicy:
    """The interview's figures; a document published before they were data has none, or not
    every one (then the default)."""
    if entry is None:
        return InterviewPolicy()
    return InterviewPolicy().with_figures(
        {name: entry[name] for name in INTERVIEW_FIGURES if name in entry}
    )


def _result_thresholds(entry: Mapping[str, Any] | None) -> ResultThresholds:
    """The result page's thresholds; a document published before they were data has none."""
    if entry is None:
        return ResultThresholds()
    thresholds = ResultThresholds(
        fits_probability=float(entry["fits_probability"]),
        fits_well_probability=float(entry["fits_well_probability"]),
        reason_likelihood_ratio=float(entry["reason_likelihood_ratio"]),
    )
    if not (
        0.0 <= thresholds.fits_probability <= thresholds.fits_well_probability <= 1.0
        and 1.0 <= thresholds.reason_likelihood_ratio < math.inf
    ):
        raise ValueError(
            "result_thresholds: 0 ≤ fits_probability ≤ fits_well_probability ≤ 1 and "
            "reason_likelihood_ratio ≥ 1"
        )
    return thresholds


def _parse_all(
    document: Mapping[str, Any], key: str, parse: Callable[[Mapping[str, Any]], _Parsed]
) -> list[_Parsed]:
    """Parse every entry of the top-level list ``key``, naming the entry that fails."""
    try:
        entries = document[key]
    except (KeyError, TypeError) as error:
        raise KnowledgeBaseError(f"The document has no {key} list") from error
    parsed = []
    for position, entry in enumerate(entries):
        try:
            parsed.append(parse(entry))
        except (KeyError, TypeError, ValueError) as error:
            name = entry.get("code", f"#{position + 1}") if isinstance(entry, Mapping) else position
            raise KnowledgeBaseError(f"{key} {name}: missing or malformed {error}") from error
    return parsed


def _age_band(entry: Mapping[str, Any]) -> AgeBand:
    return AgeBand(
        code=str(entry["code"]), min_age=int(entry["min_age"]), max_age=int(entry["max_age"])
    )


def _finding(entry: Mapping[str, Any]) -> Finding:
    baseline = entry["baseline"]
    parsed = {
        "code": str(entry["code"]),
        "question": str(entry.get("question", "")),
        "help_text": str(entry.get("help_text") or ""),
        "answer_type": str(entry.get("answer_type", "yes_no")),
        "section": str(entry.get("section", "")),
        "order": int(entry.get("order") or 0),
        "min_age": entry.get("min_age"),
        "max_age": entry.get("max_age"),
        "blocks_self_care": bool(entry.get("blocks_self_care", False)),
        "baseline_adult": float(baseline["adult"]),
        "baseline_child": float(baseline["child"]),
        "implies": entry.get("implies") or None,
        "allows_not_sure": bool(entry.get("allows_not_sure", True)),
        "follow_up_for": entry.get("follow_up_for") or None,
        "statement_yes": str(entry.get("statement_yes") or ""),
        "statement_no": str(entry.get("statement_no") or ""),
    }
    return Finding(**parsed, **_same_named(entry, Finding, FindingEntry, parsed))


def _same_named(
    entry: Mapping[str, Any], target: type, declared: type[Entry], parsed: Mapping[str, Any]
) -> dict[str, Any]:
    """The fields the engine's ``target`` shares by name with the declared entry, other than
    those ``parsed``: as the document gives them, else the declared default (a version
    published before the field existed lacks it). A field added to both needs no code here."""
    return {
        field.name: entry.get(field.name, declared.model_fields[field.name].default)
        for field in dataclasses.fields(target)
        if field.name in declared.model_fields and field.name not in parsed
    }


def _condition(entry: Mapping[str, Any]) -> Condition:
    self_care_max = entry.get("self_care_max_duration_weeks")
    parsed = dict(
        code=str(entry["code"]),
        name=str(entry.get("name", entry["code"])),
        summary=str(entry.get("summary", "")),
        category=str(entry.get("category", "other")),
        is_other_causes=bool(entry.get("is_other_causes", False)),
        min_age=entry.get("min_age"),
        max_age=entry.get("max_age"),
        female_share=float(entry["sex"]["female_share"]),
        urgency=Triage(entry["urgency"]),
        self_care_max_duration_weeks=None if self_care_max is None else float(self_care_max),
        doctor_checks=str(entry.get("doctor_checks", "")),
        management=str(entry.get("management", "")),
        icd10=str(entry.get("icd10") or ""),
        snomed_ct=str(entry.get("snomed_ct") or ""),
        priors=MappingProxyType(
            {str(row["band"]): float(row["probability"]) for row in entry["priors"]}
        ),
        duration=_duration(entry.get("duration")),
        evidence=_evidence(entry.get("evidence")),
        forms=tuple(
            ConditionForm(
                code=str(form["code"]),
                name=str(form.get("name", form["code"])),
                description=str(form.get("description") or ""),
                share=float(form["share"]),
                evidence=_evidence(form.get("evidence")),
            )
            for form in entry.get("forms") or ()
        ),
    )
    return Condition(**parsed, **_same_named(entry, Condition, ConditionEntry, parsed))


def _evidence(rows: Sequence[Mapping[str, Any]] | None) -> tuple[Evidence, ...]:
    return tuple(
        Evidence(
            finding=str(row["finding"]),
            population=str(row.get("population", "all")),
            probability=float(row["probability"]),
            specificity=None if row.get("specificity") is None else float(row["specificity"]),
        )
        for row in rows or ()
    )


def _duration(entry: Mapping[str, Any] | None) -> DurationProfile | None:
    if entry is None or entry.get("le_2_weeks") is None:
        return None
    return DurationProfile(
        le_2_weeks=float(entry["le_2_weeks"]),
        ge_6_weeks=float(entry["ge_6_weeks"]),
        ge_12_weeks=float(entry["ge_12_weeks"]),
    )


def _red_flag_rule(entry: Mapping[str, Any]) -> RedFlagRule:
    parsed = dict(
        code=str(entry["code"]),
        name=str(entry.get("name", entry["code"])),
        urgency=Triage(entry["urgency"]),
        min_age=entry.get("min_age"),
        max_age=entry.get("max_age"),
        duration_min_weeks=entry.get("duration_min_weeks"),
        duration_below_weeks=entry.get("duration_below_weeks"),
        requires_present=tuple(entry.get("requires_present") or ()),
        requires_absent=tuple(entry.get("requires_absent") or ()),
        requires_any_of=tuple(entry.get("requires_any_of") or ()),
        message=str(entry.get("message", "")),
        reason=str(entry.get("reason", "")),
        concern=str(entry.get("concern") or ""),
        concern_conditions=tuple(entry.get("concern_conditions") or ()),
        qualifier_absent=tuple(entry.get("qualifier_absent") or ()),
        cap_unless_ranked_first=bool(entry.get("cap_unless_ranked_first", False)),
        if_unanswered=str(entry.get("if_unanswered") or ""),
    )
    return RedFlagRule(**parsed, **_same_named(entry, RedFlagRule, RedFlagRuleEntry, parsed))


def _code(entry: Finding | RedFlagRule) -> str:
    return entry.code


def _check_implications(findings: Mapping[str, Finding]) -> None:
    # One level, one implier per finding: enough for the stiffness pair, and the joint
    # probabilities stay a simple three-way split.
    _check_one_level_links(
        findings,
        "implies",
        unknown="implies unknown finding {target}",
        taken="{target} is already part of another implication",
    )


def _check_follow_ups(findings: Mapping[str, Finding]) -> None:
    _check_one_level_links(
        findings,
        "follow_up_for",
        unknown="follows up unknown finding {target}",
        taken="{target} already has a follow-up or is one",
    )


def _check_one_level_links(
    findings: Mapping[str, Finding], link: str, *, unknown: str, taken: str
) -> None:
    """Each finding's ``link`` names another finding, which is linked from no other and links
    nowhere itself (one level, one link per target)."""
    linked: set[str] = set()
    for finding in findings.values():
        target = getattr(finding, link)
        if target is None:
            continue
        if target not in findings or target == finding.code:
            message = unknown.format(target=target)
            raise KnowledgeBaseError(f"finding {finding.code}: {message}")
        if getattr(findings[target], link) is not None or target in linked:
            message = taken.format(target=target)
            raise KnowledgeBaseError(f"finding {finding.code}: {message}")
        linked.add(target)


def _check_unique(kind: str, codes: Sequence[str]) -> None:
    if len(set(codes)) != len(codes):
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        raise KnowledgeBaseError(f"Duplicate {kind} codes: {', '.join(duplicates)}")


def _is_probability(value: float) -> bool:
    return 0.0 < value < 1.0 and math.isfinite(value)


def _check_condition(
    condition: Condition, findings: Mapping[str, Finding], age_bands: Sequence[AgeBand]
) -> None:
    where = f"condition {condition.code}"
    band_codes = {band.code for band in age_bands}
    if set(condition.priors) != band_codes:
        raise KnowledgeBaseError(f"{where}: priors must give exactly one row per age band")
    if any(not 0.0 <= prior <= 1.0 for prior in condition.priors.values()):
        raise KnowledgeBaseError(f"{where}: priors must lie within [0, 1]")
    if not 0.0 <= condition.female_share <= 1.0:
        raise KnowledgeBaseError(f"{where}: sex.female_share must lie within [0, 1]")
    _check_evidence(where, condition.evidence, findings)
    if condition.forms:
        if len(condition.forms) < 2:
            raise KnowledgeBaseError(f"{where}: a condition with forms needs at least two")
        if len({form.code for form in condition.forms}) != len(condition.forms):
            raise KnowledgeBaseError(f"{where}: two forms with the same code")
        if any(not _is_probability(form.share) for form in condition.forms):
            raise KnowledgeBaseError(f"{where}: every form's share must be within (0, 1)")
        if abs(math.fsum(form.share for form in condition.forms) - 1.0) > SHARE_TOLERANCE:
            raise KnowledgeBaseError(f"{where}: the shares of its forms must add up to 1")
        for form in condition.forms:
            _check_evidence(f"{where}, form {form.code}", form.evidence, findings)


def _check_evidence(where: str, rows: Sequence[Evidence], findings: Mapping[str, Finding]) -> None:
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if row.finding not in findings:
            raise KnowledgeBaseError(f"{where}: evidence names unknown finding {row.finding}")
        if row.population not in ("all", *Population):
            raise KnowledgeBaseError(f"{where}: unknown population {row.population}")
        if not _is_probability(row.probability):
            raise KnowledgeBaseError(f"{where}: {row.finding} probability must be within (0, 1)")
        if row.specificity is not None and not _is_probability(row.specificity):
            raise KnowledgeBaseError(f"{where}: {row.finding} specificity must be within (0, 1)")
        if row.specificity is not None and (
            findings[row.finding].implies is not None
            or any(other.implies == row.finding for other in findings.values())
        ):
            # The implied-pair arithmetic works on shares against the baseline, not on a study's
            # ratios: the two cannot be mixed on one variable.
            raise KnowledgeBaseError(
                f"{where}: {row.finding} is part of an implied pair; give it as a probability"
            )
        if (row.finding, row.population) in seen:
            raise KnowledgeBaseError(f"{where}: two {row.population} rows for {row.finding}")
        seen.add((row.finding, row.population))


def _check_other_causes(other_causes: Condition, age_bands: Sequence[AgeBand]) -> None:
    # The remainder class keeps the posterior defined at every age: it must always be scored.
    if (other_causes.min_age or 0) > min(band.min_age for band in age_bands) or (
        other_causes.max_age is not None
        and other_causes.max_age < max(band.max_age for band in age_bands)
    ):
        raise KnowledgeBaseError("other_causes must not be limited by age")
    if any(prior <= 0.0 for prior in other_causes.priors.values()):
        raise KnowledgeBaseError("other_causes needs a prior above 0 in every age band")
    if not 0.0 < other_causes.female_share < 1.0:
        raise KnowledgeBaseError("other_causes needs a female_share strictly within (0, 1)")


def _check_rule(
    rule: RedFlagRule, findings: Mapping[str, Finding], condition_codes: set[str]
) -> None:
    named = (
        *rule.requires_present,
        *rule.requires_absent,
        *rule.requires_any_of,
        *rule.qualifier_absent,
    )
    unknown = sorted(code for code in named if code not in findings)
    if unknown:
        raise KnowledgeBaseError(f"red-flag rule {rule.code}: unknown findings {unknown}")
    if not (rule.requires_present or rule.requires_any_of):
        raise KnowledgeBaseError(
            f"red-flag rule {rule.code}: needs requires_present or requires_any_of"
        )
    unknown_concerns = sorted(set(rule.concern_conditions) - condition_codes)
    if unknown_concerns:
        raise KnowledgeBaseError(
            f"red-flag rule {rule.code}: unknown concern conditions {unknown_concerns}"
        )
