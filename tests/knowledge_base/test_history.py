"""Every change to the drafts is kept with who made it and when."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conditions.models import Condition, Evidence
from tests.knowledge_base.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def test_a_curators_change_appears_in_the_history_with_the_curator(curator_client, curator, loaded):
    evidence = Evidence.objects.get(condition__code="septic_arthritis")
    url = reverse("admin:conditions_evidence_change", args=[evidence.pk])
    form = change_form_data(curator_client.get(url))
    form["probability"] = "0.45"

    curator_client.post(url, form)

    latest = evidence.history.first()
    assert (latest.probability, latest.history_user, latest.history_type) == (0.45, curator, "~")
    assert latest.history_date is not None


def test_the_history_page_shows_who_changed_a_condition(curator_client, curator, loaded):
    condition = Condition.objects.get(code="septic_arthritis")
    url = reverse("admin:conditions_condition_change", args=[condition.pk])
    form = change_form_data(curator_client.get(url))
    form["summary"] = "An infected joint: it needs treatment today."
    curator_client.post(url, form)

    page = curator_client.get(reverse("admin:conditions_condition_history", args=[condition.pk]))

    assert page.status_code == 200
    assert curator.username in page.content.decode()
