"""L2: the number of database queries behind a page does not grow with the knowledge base.

The same pages are counted with the seeded knowledge base and with one ten times larger
(conditions, findings and red-flag rules copied under new codes), from a cold snapshot cache
(the first request after a publish) and a warm one.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conditions.published import clear_published_cache, published_knowledge_base
from tests.production.helpers import Walk, walk_steps, walk_to_check_answers

pytestmark = pytest.mark.django_db

SCALE = 10
COUNTED_PAGES = ["/result/", "/result/summary/", "/check/questions_2/", "/check/check_answers/"]


def scaled(document: dict[str, Any], factor: int) -> dict[str, Any]:
    """The document with ``factor`` times as many conditions, findings and red-flag rules."""
    bigger = copy.deepcopy(document)
    named = [c for c in document["conditions"] if not c["is_other_causes"]]
    asked = document["findings"]
    for copy_number in range(1, factor):
        for finding in asked:
            twin = {
                **copy.deepcopy(finding),
                "code": f"{finding['code']}_copy{copy_number}",
                "question": f"{finding['question']} (copy {copy_number})",
                "order": finding["order"] + copy_number,
            }
            for link in ("implies", "follow_up_for"):  # e.g. "feels hot" follows up "fever"
                if finding.get(link):
                    twin[link] = f"{finding[link]}_copy{copy_number}"
            bigger["findings"].append(twin)
        for condition in named:
            twin = copy.deepcopy(condition)
            twin["code"] = f"{condition['code']}_copy{copy_number}"
            twin["name"] = f"{condition['name']} (copy {copy_number})"
            twin["evidence"] = [
                *twin.get("evidence", []),
                *[
                    {**row, "finding": f"{row['finding']}_copy{copy_number}"}
                    for row in condition.get("evidence", [])
                    if any(f["code"] == row["finding"] for f in asked)
                ],
            ]
            bigger["conditions"].append(twin)
        for rule in document["red_flag_rules"]:
            bigger["red_flag_rules"].append(
                {**copy.deepcopy(rule), "code": f"{rule['code']}_copy{copy_number}"}
            )
    for section in ("findings", "conditions", "red_flag_rules"):
        bigger[section].sort(key=lambda entry: entry["code"])
    return bigger


def publish(number: int, document: dict[str, Any]) -> None:
    from conditions.models import KnowledgeBaseVersion

    KnowledgeBaseVersion.objects.create(number=number, document=document, note=f"L2 {number}")
    clear_published_cache()


def count_queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def query_counts(client: Client) -> dict[str, tuple[int, int]]:
    """For each page: queries from a cold snapshot cache, then from a warm one (the question
    pages first, then "Check your answers" is sent and the result pages are counted)."""
    counts = {}
    for path in COUNTED_PAGES[2:]:
        clear_published_cache()
        cold = count_queries(client, path)
        warm = count_queries(client, path)
        counts[path] = (cold, warm)
    finished = client.post(
        "/check/check_answers/", {"questionnaire_wizard-current_step": "check_answers"}
    )
    assert client.get(finished["Location"]).status_code == 302
    for path in COUNTED_PAGES[:2]:
        clear_published_cache()
        cold = count_queries(client, path)
        warm = count_queries(client, path)
        counts[path] = (cold, warm)
    return counts


def walked_client(yes: frozenset[str]) -> Client:
    client = Client()
    # At "Check your answers" with every page answered; counted there and back at a page.
    walk_to_check_answers(client, Walk(age=52, yes=yes))
    return client


def test_pages_need_as_many_queries_with_a_ten_times_larger_knowledge_base(seeded_document):
    yes = frozenset({"pain_worse_with_activity", "morning_stiffness_over_30min"})
    publish(1, seeded_document)
    small = query_counts(walked_client(yes))

    bigger = scaled(seeded_document, SCALE)
    publish(2, bigger)
    knowledge_base = published_knowledge_base()
    assert knowledge_base.version == 2
    assert len(knowledge_base.conditions) == SCALE * (len(seeded_document["conditions"]) - 1)
    asked = seeded_document["findings"]
    assert len(knowledge_base.findings) == len(seeded_document["findings"]) + 9 * len(asked)
    large = query_counts(walked_client(yes))

    for path in COUNTED_PAGES:
        assert large[path] == small[path], (
            f"{path}: {small[path]} queries (cold, warm) with the seeded knowledge base, "
            f"{large[path]} with one {SCALE} times larger"
        )
    for path, (cold, warm) in small.items():
        assert warm <= cold <= warm + 2, path  # a cold cache costs the document, once


@pytest.mark.usefixtures("published")
def test_a_question_page_needs_no_query_between_rechecks(settings):
    # Each page of the questionnaire is scored against the version it started under; that
    # version's checksum is asked at most once per recheck interval, as the latest one is, so
    # a step needs no database connection at all (about 4 ms of PostgreSQL CPU each otherwise).
    settings.KNOWLEDGE_BASE_RECHECK_SECONDS = 60
    clear_published_cache()
    client = Client()
    client.get("/check/")
    client.get("/check/about_you/")
    assert count_queries(client, "/check/about_you/") == 0
    # An adaptive page too: planning the pages asks the engine, never the database.
    walk = Walk(age=52)
    walk_steps(client, walk, walk.steps()[:2])
    assert count_queries(client, "/check/questions_2/") == 0
    settings.KNOWLEDGE_BASE_RECHECK_SECONDS = 0
    assert count_queries(client, "/check/about_you/") >= 1
