"""The test bench on the publish page: the curators' vignettes scored by the drafts and by the
published version; drafts that miss an emergency are published only with an acknowledgement and
a reason, both kept with the version (issue 12)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conditions.models import Condition, KnowledgeBaseVersion, RedFlagRule
from conditions.services import SafetyAcknowledgementRequired, knowledge_base_publish
from tests.factories import ClinicalVignetteFactory
from tests.knowledge_base.admin_forms import PUBLISH_URL, publish_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_with_a_vignette(loaded):
    version = knowledge_base_publish(published_by=None, note="version 1")
    ClinicalVignetteFactory(
        code="fever-cannot-stand",
        narrative="A 40-year-old man has a fever and cannot stand on the leg.",
        answers={
            "age": 40,
            "sex": "male",
            "duration_weeks": 0,
            "findings": {"fever": True, "unable_to_bear_weight": True},
        },
        expected_top="septic_arthritis",
        acceptable=[],
        expected_triage="emergency",
    )
    return version


def miss_the_emergency() -> None:
    # Edited with no history, so that any reviewer may publish it: the bench is what is tested.
    Condition.objects.filter(code="septic_arthritis").update(urgency="routine")
    RedFlagRule.objects.update(urgency="routine")


def test_the_publish_page_shows_the_bench_figures(reviewer_client, published_with_a_vignette):
    Condition.objects.filter(code="septic_arthritis").update(name="Joint infection")

    page = reviewer_client.get(reverse(PUBLISH_URL))

    text = " ".join(page.content.decode().split())
    assert "Test bench: the clinical vignettes" in text
    assert '<th scope="row">Emergencies missed</th> <td>0 of 1</td> <td>0 of 1</td>' in text
    assert "No case changes its first condition or urgency." in text
    assert "safety_acknowledged" not in text


def test_a_safe_draft_is_published_with_its_bench_figures(
    reviewer_client, published_with_a_vignette
):
    Condition.objects.filter(code="septic_arthritis").update(name="Joint infection")
    page = reviewer_client.get(reverse(PUBLISH_URL))

    response = reviewer_client.post(reverse(PUBLISH_URL), publish_form_data(page, note="renamed"))

    assert response.status_code == 302
    version = KnowledgeBaseVersion.objects.latest()
    assert version.bench["worsens_safety"] is False
    assert version.safety_acknowledgement == ""


def test_a_draft_that_misses_an_emergency_needs_an_acknowledgement_and_a_reason(
    reviewer_client, published_with_a_vignette
):
    miss_the_emergency()
    page = reviewer_client.get(reverse(PUBLISH_URL))
    text = " ".join(page.content.decode().split())
    assert "The draft is less safe on the vignettes." in text
    assert "fever-cannot-stand" in text
    assert 'name="safety_acknowledged"' in text

    refused = reviewer_client.post(
        reverse(PUBLISH_URL), publish_form_data(page, note="routine now")
    )

    assert refused.status_code == 200
    assert "Tick to acknowledge what the test bench shows" in refused.content.decode()
    assert "Enter why it is still right to publish a less safe version" in (
        refused.content.decode()
    )
    assert KnowledgeBaseVersion.objects.count() == 1

    published = reviewer_client.post(
        reverse(PUBLISH_URL),
        publish_form_data(
            page,
            note="routine now",
            safety_acknowledged="on",
            safety_acknowledgement="The case is retired from the bench next week; agreed at MDT.",
        ),
    )

    assert published.status_code == 302
    version = KnowledgeBaseVersion.objects.latest()
    assert version.number == 2
    assert version.bench["worsens_safety"] is True
    assert "fever-cannot-stand" in {case["code"] for case in version.bench["changed_cases"]}
    assert version.safety_acknowledgement == (
        "The case is retired from the bench next week; agreed at MDT."
    )


def test_the_service_refuses_a_less_safe_draft_without_an_acknowledgement(
    reviewer, published_with_a_vignette
):
    miss_the_emergency()

    with pytest.raises(SafetyAcknowledgementRequired, match="miss an emergency"):
        knowledge_base_publish(published_by=reviewer, note="routine now")
    with pytest.raises(SafetyAcknowledgementRequired):
        knowledge_base_publish(published_by=reviewer, note="", safety_acknowledgement="   ")

    assert KnowledgeBaseVersion.objects.count() == 1
