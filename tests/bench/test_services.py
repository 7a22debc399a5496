"""compare_with_published: the active vignettes read from the database, both documents built."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from bench.models import ClinicalVignette
from bench.services import compare_with_published
from conditions.engine import knowledge_base_from_document
from conditions.evaluation import evaluate
from tests.bench.conftest import DEVELOPMENT_VIGNETTES, without_emergency_rules, without_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def development_bench(db):
    call_command("seed_clinical_vignettes", str(DEVELOPMENT_VIGNETTES), stdout=StringIO())


def test_the_seeded_knowledge_against_itself_gives_evaluates_figures_and_changes_nothing(
    development_bench, seeded_document, development_cases
):
    report = evaluate(knowledge_base_from_document(seeded_document, version=1), development_cases)

    comparison = compare_with_published(seeded_document, seeded_document)

    assert comparison.vignettes == len(development_cases) == 41
    assert comparison.draft == comparison.published
    assert comparison.draft.top1 == report.top1
    assert comparison.draft.top3 == report.top3
    assert comparison.draft.triage_exact == report.triage_exact
    assert comparison.draft.under_triage == report.under_triage
    assert comparison.draft.emergency_missed == report.emergency_missed == 0
    assert comparison.changed_cases == ()
    assert comparison.worsens_safety is False
    assert comparison.elapsed_ms > 0


def test_a_draft_without_the_emergency_red_flags_is_less_safe_and_names_the_cases(
    development_bench, seeded_document, development_cases
):
    draft_document = without_emergency_rules(seeded_document)
    draft = evaluate(knowledge_base_from_document(draft_document, version=0), development_cases)
    missed = [result.id for result in draft.results if result.emergency_missed]

    comparison = compare_with_published(draft_document, seeded_document)

    assert missed  # the seeded knowledge needs its red flags for some emergencies
    assert comparison.worsens_safety is True
    assert comparison.draft.emergency_missed == len(missed)
    worse = {case.code for case in comparison.changed_cases if case.verdict == "worse"}
    assert set(missed) <= worse
    assert (
        f"Emergencies the published version catches and the draft misses: {', '.join(missed)}."
        in comparison.safety_reasons
    )


def test_only_active_vignettes_are_run(development_bench, seeded_document):
    ClinicalVignette.objects.exclude(code="dev-01").update(active=False)

    comparison = compare_with_published(seeded_document, seeded_document)

    assert comparison.vignettes == 1
    assert comparison.draft.cases == 1


def test_with_nothing_published_the_draft_is_measured_alone(development_bench, seeded_document):
    comparison = compare_with_published(seeded_document, None)

    assert comparison.published is None
    assert comparison.draft.cases == 41
    assert comparison.worsens_safety is False


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(lambda document: {"format_version": 1}, id="empty"),
        pytest.param(
            lambda document: {k: v for k, v in document.items() if k != "scoring"},
            id="no-scoring-policy",
        ),
        pytest.param(
            lambda document: {
                **document,
                "conditions": [c for c in document["conditions"] if c["code"] != "other_causes"],
            },
            id="no-other-causes",
        ),
    ],
)
def test_a_draft_that_cannot_be_built_gives_a_comparison_that_says_so(
    development_bench, seeded_document, broken
):
    comparison = compare_with_published(broken(seeded_document), seeded_document)

    assert comparison.draft_runs is False
    assert comparison.draft_problems
    assert comparison.draft is None
    assert comparison.published.cases == 41
    assert comparison.worsens_safety is True


def test_a_draft_without_a_red_flag_finding_is_compared_case_by_case(
    development_bench, seeded_document
):
    draft_document = without_rule(seeded_document, "fever_unable_to_bear_weight")

    comparison = compare_with_published(draft_document, seeded_document)

    assert comparison.draft_runs
    assert all(case.code.startswith("dev-") for case in comparison.changed_cases)
