"""templates/bench/_comparison.html: a BenchComparison as an accessible table and the changed
cases, for the publish page to include."""

from __future__ import annotations

import re

from django.template.loader import render_to_string

from bench.comparison import compare_knowledge_bases, draft_not_run
from tests.bench.conftest import hip_cases, without_rule
from tests.engine.kb_documents import hip_document, knowledge_base


def rendered(comparison) -> str:
    return " ".join(render_to_string("bench/_comparison.html", {"comparison": comparison}).split())


def less_safe_comparison():
    draft = knowledge_base(without_rule(hip_document(), "fever_unable_to_bear_weight"), version=0)
    return compare_knowledge_bases(draft, knowledge_base(), hip_cases())


def test_the_figures_are_a_table_with_a_caption_and_headers_for_rows_and_columns():
    page = rendered(less_safe_comparison())

    assert "<caption> The draft and the published version, side by side </caption>" in page
    assert '<th scope="col">Published</th> <th scope="col">Draft</th>' in page
    assert re.search(
        r'<th scope="row">Emergencies missed</th> <td>0 of 1</td> <td>1 of 1</td> '
        r"<td><strong>worse</strong></td>",
        page,
    )


def test_a_less_safe_draft_leads_with_its_reasons():
    page = rendered(less_safe_comparison())

    assert '<div class="errornote" role="alert">' in page
    assert "The draft is less safe on the vignettes." in page
    assert "The draft misses 1 emergency; the published version misses 0." in page


def test_each_changed_case_shows_expected_published_and_draft_and_its_verdict():
    page = rendered(less_safe_comparison())

    assert "Cases whose first condition or urgency changes (1: 1 worse, 0 better)" in page
    assert '<th scope="row">hip-fever<div class="help">A 70-year-old woman' in page
    assert "<td>osteoarthritis<br>emergency</td>" in page
    assert "<strong>routine</strong>" in page
    assert "<strong>Worse</strong>" in page
    assert "Urgency was exact, now a missed emergency." in page


def test_an_unchanged_draft_says_no_case_changes():
    page = rendered(
        compare_knowledge_bases(knowledge_base(version=0), knowledge_base(), hip_cases())
    )

    assert "No case changes its first condition or urgency." in page
    assert "less safe" not in page
    assert "Run over the 3 active vignettes in" in page


def test_a_draft_that_cannot_be_run_says_why():
    page = rendered(draft_not_run(["scoring: missing"], knowledge_base(), hip_cases()))

    assert "The draft cannot be run over the vignettes:" in page
    assert "<li>scoring: missing</li>" in page
    assert "Cases whose first condition" not in page


def test_with_nothing_published_the_draft_stands_alone():
    page = rendered(compare_knowledge_bases(knowledge_base(version=0), None, hip_cases()))

    assert "The draft (nothing is published yet)" in page
    assert "<td>—</td>" in page
