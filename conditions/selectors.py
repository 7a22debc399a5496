"""Reads of the knowledge base, shaped for their callers as plain data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conditions import knowledge_file
from conditions.models import (
    AgeBand,
    Condition,
    DurationEvidence,
    Finding,
    KnowledgeBaseVersion,
    RedFlagRule,
    Reference,
    ScoringPolicy,
)

LIST_OF_REQUIREMENT = {
    requirement: name for name, requirement in knowledge_file.REQUIREMENT_LISTS.items()
}


def knowledge_base_document() -> dict[str, Any]:
    """The draft rows as a knowledge-file document in canonical form (docs/knowledge-format.md).

    A fixed number of queries whatever the size of the knowledge base. If the drafts are
    incomplete (no scoring policy, a condition without duration figures), the key is left out so
    that ``knowledge_file.validate`` names the gap.
    """
    references = list(Reference.objects.order_by("key"))
    reference_keys = {reference.pk: reference.key for reference in references}
    bands = list(AgeBand.objects.order_by("min_age"))
    band_codes = {band.pk: band.code for band in bands}
    band_position = {band.pk: position for position, band in enumerate(bands)}
    findings = list(Finding.objects.select_related("implies").order_by("code"))
    finding_codes = {finding.pk: finding.code for finding in findings}

    def sourcing(reference_id: int | None, expert_estimate: bool, note: str) -> dict[str, Any]:
        return {
            "reference": reference_keys.get(reference_id),
            "expert_estimate": expert_estimate,
            "note": note,
        }

    document: dict[str, Any] = {"format_version": knowledge_file.FORMAT_VERSION}
    policy = ScoringPolicy.objects.first()
    if policy is not None:
        document["scoring"] = {
            "plausible_probability": policy.plausible_probability,
            "baseline_duration": {
                "le_2_weeks": policy.baseline_le_2_weeks,
                "ge_6_weeks": policy.baseline_ge_6_weeks,
                "ge_12_weeks": policy.baseline_ge_12_weeks,
                **sourcing(
                    policy.baseline_duration_reference_id,
                    policy.baseline_duration_expert_estimate,
                    policy.baseline_duration_note,
                ),
            },
        }
    document["age_bands"] = [
        {"code": band.code, "min_age": band.min_age, "max_age": band.max_age} for band in bands
    ]
    document["references"] = [
        {
            "key": reference.key,
            "citation": reference.citation,
            "url": reference.url,
            "doi": reference.doi,
            "note": reference.note,
        }
        for reference in references
    ]
    document["findings"] = [
        {
            "code": finding.code,
            "question": finding.question,
            "help_text": finding.help_text,
            "answer_type": finding.answer_type,
            "section": finding.section,
            "order": finding.order,
            "min_age": finding.min_age,
            "max_age": finding.max_age,
            "blocks_self_care": finding.blocks_self_care,
            "allows_not_sure": finding.allows_not_sure,
            "follow_up_for": finding_codes.get(finding.follow_up_for_id),
            "implies": finding.implies.code if finding.implies_id else None,
            "baseline": {
                "adult": finding.baseline_adult,
                "child": finding.baseline_child,
                **sourcing(
                    finding.baseline_reference_id,
                    finding.baseline_expert_estimate,
                    finding.baseline_note,
                ),
            },
        }
        for finding in findings
    ]
    document["conditions"] = [
        _condition_entry(condition, sourcing, band_codes, band_position, finding_codes)
        for condition in Condition.objects.with_knowledge().order_by("code")
    ]
    document["red_flag_rules"] = [
        _red_flag_rule_entry(rule, sourcing, finding_codes)
        for rule in RedFlagRule.objects.with_criteria().order_by("code")
    ]
    return document


Sourcing = Callable[[int | None, bool, str], dict[str, Any]]


def _condition_entry(
    condition: Condition,
    sourcing: Sourcing,
    band_codes: dict[int, str],
    band_position: dict[int, int],
    finding_codes: dict[int, str],
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "code": condition.code,
        "name": condition.name,
        "summary": condition.summary,
        "category": condition.category,
        "is_other_causes": condition.is_other_causes,
        "min_age": condition.min_age,
        "max_age": condition.max_age,
        "sex": {
            "female_share": condition.female_share,
            **sourcing(
                condition.female_share_reference_id,
                condition.female_share_expert_estimate,
                condition.female_share_note,
            ),
        },
        "urgency": condition.urgency,
        "self_care_max_duration_weeks": condition.self_care_max_duration_weeks,
        "doctor_checks": condition.doctor_checks,
        "management": condition.management,
        "icd10": condition.icd10,
        "snomed_ct": condition.snomed_ct,
        "references": sorted(reference.key for reference in condition.references.all()),
        "priors": [
            {
                "band": band_codes[prior.age_band_id],
                "probability": prior.probability,
                **sourcing(prior.reference_id, prior.expert_estimate, prior.note),
            }
            for prior in sorted(condition.priors.all(), key=lambda p: band_position[p.age_band_id])
        ],
    }
    try:
        duration = condition.duration
    except DurationEvidence.DoesNotExist:
        duration = None
    if duration is not None:
        entry["duration"] = {
            "le_2_weeks": duration.le_2_weeks,
            "ge_6_weeks": duration.ge_6_weeks,
            "ge_12_weeks": duration.ge_12_weeks,
            **sourcing(duration.reference_id, duration.expert_estimate, duration.note),
        }
    entry["evidence"] = sorted(
        (
            {
                "finding": finding_codes[evidence.finding_id],
                "population": evidence.population,
                "probability": evidence.probability,
                **sourcing(evidence.reference_id, evidence.expert_estimate, evidence.note),
            }
            for evidence in condition.evidence.all()
        ),
        key=lambda evidence: (evidence["finding"], evidence["population"]),
    )
    return entry


def _red_flag_rule_entry(
    rule: RedFlagRule, sourcing: Sourcing, finding_codes: dict[int, str]
) -> dict[str, Any]:
    named: dict[str, list[str]] = {name: [] for name in knowledge_file.REQUIREMENT_LISTS}
    for criterion in rule.criteria.all():
        named[LIST_OF_REQUIREMENT[criterion.requirement]].append(
            finding_codes[criterion.finding_id]
        )
    return {
        "code": rule.code,
        "name": rule.name,
        "urgency": rule.urgency,
        "concern": rule.concern,
        "concern_conditions": sorted(condition.code for condition in rule.concern_conditions.all()),
        "cap_unless_ranked_first": rule.cap_unless_ranked_first,
        "min_age": rule.min_age,
        "max_age": rule.max_age,
        "duration_min_weeks": rule.duration_min_weeks,
        "duration_below_weeks": rule.duration_below_weeks,
        **{name: sorted(codes) for name, codes in named.items()},
        "message": rule.message,
        "if_unanswered": rule.if_unanswered,
        "reason": rule.reason,
        **sourcing(rule.reference_id, rule.expert_estimate, rule.note),
    }


def latest_published_version() -> KnowledgeBaseVersion | None:
    """The latest published version, or None before the first publish."""
    return KnowledgeBaseVersion.objects.latest_first().first()


@dataclass(frozen=True)
class PendingPublication:
    """What publishing now would do: the drafts' problems and their changes."""

    problems: list[str]
    latest_number: int | None
    changes: list[knowledge_file.SectionChanges]


def knowledge_base_pending_publication() -> PendingPublication:
    """The drafts compared with the latest published version, for the publish page."""
    document = knowledge_base_document()
    latest = latest_published_version()
    return PendingPublication(
        problems=knowledge_file.validate(document),
        latest_number=latest.number if latest else None,
        changes=knowledge_file.changes_between(latest.document if latest else None, document),
    )
