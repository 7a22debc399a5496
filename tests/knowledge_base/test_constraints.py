"""Every invariant of the knowledge format is refused by PostgreSQL and explained to the curator."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from conditions.models import AgeBand, Condition, ScoringPolicy
from tests.factories import (
    AgeBandFactory,
    ConditionFactory,
    ConditionPriorFactory,
    DurationEvidenceFactory,
    EvidenceFactory,
    FindingFactory,
    OtherCausesFactory,
    RedFlagRuleFactory,
    ReferenceFactory,
    ScoringPolicyFactory,
)
from tests.knowledge_base.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

NOT_A_PROBABILITY = "strictly between 0 and 1"
NOT_A_SHARE = "from 0 to 1"
NO_SOURCE = "needs a source"

# (factory, values that break the rule, constraint name, words of the curator's message)
BROKEN_ROWS: list[tuple[Any, dict[str, Any], str, str]] = [
    (
        EvidenceFactory,
        {"probability": 1.2},
        "evidence_probability_is_a_probability",
        NOT_A_PROBABILITY,
    ),
    (
        EvidenceFactory,
        {"probability": 0.0},
        "evidence_probability_is_a_probability",
        NOT_A_PROBABILITY,
    ),
    (
        EvidenceFactory,
        {"probability": 1.0},
        "evidence_probability_is_a_probability",
        NOT_A_PROBABILITY,
    ),
    (
        FindingFactory,
        {"baseline_adult": 0.0},
        "finding_baseline_adult_is_a_probability",
        NOT_A_PROBABILITY,
    ),
    (
        FindingFactory,
        {"baseline_child": 1.0},
        "finding_baseline_child_is_a_probability",
        NOT_A_PROBABILITY,
    ),
    (
        ConditionPriorFactory,
        {"probability": -0.1},
        "conditionprior_probability_is_a_probability",
        NOT_A_SHARE,
    ),
    (
        ConditionPriorFactory,
        {"probability": 1.5},
        "conditionprior_probability_is_a_probability",
        NOT_A_SHARE,
    ),
    (
        ConditionFactory,
        {"female_share": 1.2},
        "condition_female_share_is_a_share",
        NOT_A_SHARE,
    ),
    (
        ScoringPolicyFactory,
        {"plausible_probability": 1.5},
        "scoringpolicy_plausible_probability_is_a_probability",
        NOT_A_SHARE,
    ),
    (
        DurationEvidenceFactory,
        {"le_2_weeks": 1.2},
        "durationevidence_le_2_weeks_is_a_probability",
        NOT_A_SHARE,
    ),
    (
        DurationEvidenceFactory,
        {"le_2_weeks": 0.5, "ge_6_weeks": 0.6, "ge_12_weeks": 0.4},
        "durationevidence_short_and_long_shares_fit_in_one",
        "cannot exceed 100 %",
    ),
    (
        DurationEvidenceFactory,
        {"ge_6_weeks": 0.5, "ge_12_weeks": 0.6},
        "durationevidence_twelve_weeks_within_six_weeks",
        "everyone past 12 weeks is also past 6 weeks",
    ),
    (
        ScoringPolicyFactory,
        {"baseline_le_2_weeks": 0.5, "baseline_ge_6_weeks": 0.6},
        "scoringpolicy_short_and_long_shares_fit_in_one",
        "cannot exceed 100 %",
    ),
    (
        ScoringPolicyFactory,
        {"baseline_ge_12_weeks": 0.6},
        "scoringpolicy_twelve_weeks_within_six_weeks",
        "everyone past 12 weeks",
    ),
    (
        FindingFactory,
        {"min_age": 50, "max_age": 20},
        "finding_min_age_not_above_max_age",
        "above its oldest age",
    ),
    (
        ConditionFactory,
        {"max_age": 130},
        "condition_ages_within_0_and_120",
        "from 0 to 120",
    ),
    (
        RedFlagRuleFactory,
        {"min_age": 10, "max_age": 5},
        "redflagrule_min_age_not_above_max_age",
        "oldest age",
    ),
    (
        AgeBandFactory,
        {"min_age": 30, "max_age": 20},
        "ageband_min_age_not_above_max_age",
        "oldest age",
    ),
    (
        FindingFactory,
        {"code": "Fever"},
        "finding_code_format",
        "lower-case letter",
    ),
    (
        ConditionFactory,
        {"code": "1_arthritis"},
        "condition_code_format",
        "lower-case letter",
    ),
    (
        RedFlagRuleFactory,
        {"code": "hip fracture"},
        "redflagrule_code_format",
        "lower-case letter",
    ),
    (
        ReferenceFactory,
        {"key": "Fischer 1999"},
        "reference_key_is_a_slug",
        "reference key",
    ),
    (
        EvidenceFactory,
        {"reference": None, "expert_estimate": False},
        "evidence_is_sourced",
        NO_SOURCE,
    ),
    (
        ConditionPriorFactory,
        {"reference": None, "expert_estimate": False},
        "conditionprior_is_sourced",
        NO_SOURCE,
    ),
    (
        DurationEvidenceFactory,
        {"reference": None, "expert_estimate": False},
        "durationevidence_is_sourced",
        NO_SOURCE,
    ),
    (
        RedFlagRuleFactory,
        {"reference": None, "expert_estimate": False},
        "redflagrule_is_sourced",
        NO_SOURCE,
    ),
    (
        FindingFactory,
        {"baseline_reference": None, "baseline_expert_estimate": False},
        "finding_baseline_is_sourced",
        NO_SOURCE,
    ),
    (
        ConditionFactory,
        {"female_share_reference": None, "female_share_expert_estimate": False},
        "condition_female_share_is_sourced",
        NO_SOURCE,
    ),
    (
        ScoringPolicyFactory,
        {"baseline_duration_reference": None, "baseline_duration_expert_estimate": False},
        "scoringpolicy_baseline_duration_is_sourced",
        NO_SOURCE,
    ),
    (
        RedFlagRuleFactory,
        {"duration_min_weeks": 6, "duration_below_weeks": 4},
        "redflagrule_duration_window_not_empty",
        "can never fire",
    ),
    (
        RedFlagRuleFactory,
        {"duration_min_weeks": 4, "duration_below_weeks": 4},
        "redflagrule_duration_window_not_empty",
        "can never fire",
    ),
    (
        ConditionFactory,
        {"is_other_causes": True},
        "condition_other_causes_class_is_coded_other_causes",
        "must have the code other_causes",
    ),
]


def _case_id(case) -> str:
    _factory, values, name, _message = case
    return f"{name}:{','.join(f'{k}={v}' for k, v in values.items())}"


@pytest.mark.parametrize("case", BROKEN_ROWS, ids=[_case_id(case) for case in BROKEN_ROWS])
def test_the_database_refuses_a_row_that_breaks_an_invariant(case):
    factory, values, constraint, _message = case
    row = factory()
    for name, value in values.items():
        setattr(row, name, value)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        row.save()


@pytest.mark.parametrize("case", BROKEN_ROWS, ids=[_case_id(case) for case in BROKEN_ROWS])
def test_full_clean_explains_the_broken_invariant_in_clinical_words(case):
    factory, values, _constraint, message = case
    row = factory()
    for name, value in values.items():
        setattr(row, name, value)
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert any(message in text for text in refused.value.messages), refused.value.messages


def test_two_findings_cannot_share_a_code():
    FindingFactory(code="fever")
    with pytest.raises(IntegrityError, match="finding_code_key"), transaction.atomic():
        FindingFactory(code="fever")


def test_the_same_evidence_cannot_be_given_twice_for_one_population():
    evidence = EvidenceFactory()
    duplicate = EvidenceFactory.build(
        condition=evidence.condition, finding=evidence.finding, reference=evidence.reference
    )
    with pytest.raises(ValidationError, match="already has a figure for this finding"):
        duplicate.full_clean()
    unique_triple = "evidence_one_per_condition_finding_population"
    with pytest.raises(IntegrityError, match=unique_triple), transaction.atomic():
        duplicate.save()


def test_a_condition_has_one_prior_per_age_band():
    prior = ConditionPriorFactory()
    duplicate = ConditionPriorFactory.build(condition=prior.condition, age_band=prior.age_band)
    with pytest.raises(ValidationError, match="already has a prior for this age band"):
        duplicate.full_clean()
    with (
        pytest.raises(IntegrityError, match="conditionprior_one_per_age_band"),
        transaction.atomic(),
    ):
        duplicate.save()


def test_only_one_condition_is_the_other_causes_class():
    OtherCausesFactory()
    second = Condition(code="other_causes_two", is_other_causes=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConditionFactory(code="other_causes", is_other_causes=True)
    with pytest.raises(ValidationError, match="Only one condition can be"):
        second.validate_constraints()


def test_age_bands_cannot_overlap():
    AgeBand.objects.create(code="0-9", min_age=0, max_age=9)
    overlapping = AgeBand(code="5-14", min_age=5, max_age=14)
    with pytest.raises(ValidationError, match="overlaps another band"):
        overlapping.full_clean()
    with pytest.raises(IntegrityError, match="ageband_bands_do_not_overlap"), transaction.atomic():
        overlapping.save()
    AgeBand.objects.create(code="10-15", min_age=10, max_age=15)  # touching is fine


def test_there_is_only_one_scoring_policy():
    ScoringPolicyFactory()
    second = ScoringPolicy(
        id=2,
        plausible_probability=0.1,
        baseline_le_2_weeks=0.3,
        baseline_ge_6_weeks=0.5,
        baseline_ge_12_weeks=0.4,
        baseline_duration_expert_estimate=True,
    )
    with pytest.raises(IntegrityError, match="scoringpolicy_single_row"), transaction.atomic():
        second.save()


def test_the_admin_shows_an_out_of_range_probability_to_the_curator(admin_client):
    evidence = EvidenceFactory()
    url = reverse("admin:conditions_condition_change", args=[evidence.condition.pk])
    form = change_form_data(admin_client.get(url))
    form["evidence-0-probability"] = "1.2"

    response = admin_client.post(url, form)

    assert response.status_code == 200
    assert NOT_A_PROBABILITY in response.content.decode()
    evidence.refresh_from_db()
    assert evidence.probability == 0.6


def test_the_admin_shows_a_missing_source_on_the_evidence_page(admin_client):
    evidence = EvidenceFactory()
    url = reverse("admin:conditions_evidence_change", args=[evidence.pk])
    form = change_form_data(admin_client.get(url))
    form["reference"] = ""
    form.pop("expert_estimate", None)

    response = admin_client.post(url, form)

    assert response.status_code == 200
    assert "needs a source" in response.content.decode()


def test_the_admin_shows_inconsistent_duration_shares(admin_client):
    duration = DurationEvidenceFactory()
    url = reverse("admin:conditions_condition_change", args=[duration.condition.pk])
    form = change_form_data(admin_client.get(url))
    form["duration-0-ge_12_weeks"] = "0.9"

    response = admin_client.post(url, form)

    assert response.status_code == 200
    assert "everyone past 12 weeks is also past 6 weeks" in response.content.decode()
