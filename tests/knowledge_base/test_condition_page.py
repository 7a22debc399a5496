"""The condition page curators work in: evidence grouped by questionnaire section, compact rows,
and a number of queries that does not grow with the evidence rows."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conditions.models import Evidence, Population, QuestionnaireSection
from tests.factories import (
    AgeBandFactory,
    ConditionFactory,
    ConditionPriorFactory,
    DurationEvidenceFactory,
    EvidenceFactory,
    FindingFactory,
    ReferenceFactory,
)
from tests.knowledge_base.page_forms import posted_form_data

pytestmark = pytest.mark.django_db

REASON = {"change_reason": "Re-read the source table."}
SECTIONS = list(QuestionnaireSection)


def condition_with_evidence(rows: int):
    """A condition with a duration, two priors and ``rows`` evidence rows over every section."""
    condition = ConditionFactory()
    DurationEvidenceFactory(condition=condition)
    for band in (AgeBandFactory(), AgeBandFactory()):
        ConditionPriorFactory(condition=condition, age_band=band)
    references = [ReferenceFactory() for _ in range(3)]
    for n in range(rows):
        finding = FindingFactory(section=SECTIONS[n % len(SECTIONS)])
        EvidenceFactory(condition=condition, finding=finding, reference=references[n % 3])
    return condition


def change_url(condition) -> str:
    return reverse("admin:conditions_condition_change", args=[condition.pk])


def change_form_data(response) -> dict:
    """What the browser posts from the condition page, with a reason for the change."""
    return {**posted_form_data(response.content.decode(), "condition_form"), **REASON}


def queries_of(request, status: int = 200) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code == status, response.content[:2000]
    return len(queries)


def test_opening_the_page_takes_as_many_queries_for_30_evidence_rows_as_for_3(admin_client):
    few, many = condition_with_evidence(3), condition_with_evidence(30)
    admin_client.get(change_url(few))  # warm the caches (content types, permissions)

    assert queries_of(lambda: admin_client.get(change_url(few))) == queries_of(
        lambda: admin_client.get(change_url(many))
    )


def test_saving_the_page_unchanged_takes_as_many_queries_for_30_evidence_rows_as_for_3(
    admin_client,
):
    few, many = condition_with_evidence(3), condition_with_evidence(30)
    few_data = change_form_data(admin_client.get(change_url(few)))
    many_data = change_form_data(admin_client.get(change_url(many)))

    assert queries_of(lambda: admin_client.post(change_url(few), few_data), 302) == queries_of(
        lambda: admin_client.post(change_url(many), many_data), 302
    )


def test_evidence_is_listed_under_its_sections_in_questionnaire_order(admin_client):
    condition = ConditionFactory()
    for section in reversed(SECTIONS):
        EvidenceFactory(condition=condition, finding=FindingFactory(section=section))

    page = admin_client.get(change_url(condition)).content.decode()
    evidence_group = page.split('id="evidence-group"')[1]

    headings = re.findall(r'<tr class="inline-section[^"]*"><th [^>]*>([^<]+)</th>', evidence_group)
    assert headings == [section.label for section in SECTIONS] + ["New rows"]


def test_a_finding_is_listed_once_per_population_everyone_first(admin_client):
    condition = ConditionFactory()
    finding = FindingFactory(code="fever")
    for population in (Population.CHILD, Population.ALL, Population.ADULT):
        EvidenceFactory(condition=condition, finding=finding, population=population)

    response = admin_client.get(change_url(condition))

    (evidence,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Evidence
    ]
    assert [form.instance.population for form in evidence.forms] == [
        Population.ALL,
        Population.ADULT,
        Population.CHILD,
    ]


def test_a_saved_row_shows_its_finding_as_text_with_the_question_and_no_icons(admin_client):
    condition = ConditionFactory()
    EvidenceFactory(
        condition=condition, finding=FindingFactory(code="fever", question="Have you had a fever?")
    )

    page = admin_client.get(change_url(condition)).content.decode()

    assert '<span class="row-name" title="Have you had a fever?">fever</span>' in page
    assert 'name="evidence-0-finding"' not in page
    assert 'name="evidence-0-population"' not in page
    assert "related-widget-wrapper-link" not in page.split('id="evidence-group"')[1]


def test_a_changed_figure_is_saved_and_only_its_row_gets_a_history_entry(admin_client):
    condition = condition_with_evidence(5)
    rows = list(Evidence.objects.filter(condition=condition))
    response = admin_client.get(change_url(condition))
    data = change_form_data(response)
    index = next(
        i for i, form in enumerate(_evidence_forms(response)) if form.instance.pk == rows[2].pk
    )
    data[f"evidence-{index}-probability"] = "0.45"
    data[f"evidence-{index}-note"] = "Re-estimated from the case series."

    assert admin_client.post(change_url(condition), data).status_code == 302

    rows[2].refresh_from_db()
    assert rows[2].probability == 0.45
    assert [row.history.count() for row in rows] == [1, 1, 2, 1, 1]


def test_a_posted_finding_for_a_saved_row_is_ignored(admin_client):
    condition = condition_with_evidence(1)
    row = Evidence.objects.get(condition=condition)
    other = FindingFactory(code="another_finding")
    data = change_form_data(admin_client.get(change_url(condition)))
    data["evidence-0-finding"] = str(other.pk)
    data["evidence-0-probability"] = "0.5"

    assert admin_client.post(change_url(condition), data).status_code == 302

    row.refresh_from_db()
    assert row.finding.code != "another_finding"
    assert row.probability == 0.5


def test_a_new_row_is_added_and_a_duplicate_of_a_saved_row_is_refused(admin_client):
    condition = condition_with_evidence(1)
    saved = Evidence.objects.get(condition=condition)
    new_finding = FindingFactory(code="night_pain")
    data = change_form_data(admin_client.get(change_url(condition)))
    new_row = {
        "population": Population.ALL,
        "probability": "0.2",
        "reference": "",
        "expert_estimate": "on",
        "note": "",
    }
    data.update({f"evidence-1-{name}": value for name, value in new_row.items()})
    data["evidence-TOTAL_FORMS"] = "2"

    duplicate = {**data, "evidence-1-finding": str(saved.finding_id)}
    refused = admin_client.post(change_url(condition), duplicate)
    assert refused.status_code == 200
    assert "Please correct the duplicate data" in refused.content.decode()

    added = {**data, "evidence-1-finding": str(new_finding.pk)}
    assert admin_client.post(change_url(condition), added).status_code == 302
    assert Evidence.objects.filter(condition=condition, finding=new_finding).exists()


def test_a_new_row_out_of_range_is_refused_with_the_clinical_message(admin_client):
    condition = condition_with_evidence(1)
    data = change_form_data(admin_client.get(change_url(condition)))
    data.update(
        {
            "evidence-TOTAL_FORMS": "2",
            "evidence-1-finding": str(FindingFactory().pk),
            "evidence-1-population": Population.ALL,
            "evidence-1-probability": "1.5",
            "evidence-1-expert_estimate": "on",
        }
    )

    response = admin_client.post(change_url(condition), data)

    assert response.status_code == 200
    assert "strictly between 0 and 1" in response.content.decode()


def _evidence_forms(response):
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Evidence
    ]
    return formset.forms
