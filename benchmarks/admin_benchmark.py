"""Time the curator's condition page, opening it (GET) and saving it (POST): seeded knowledge.

Usage: .venv/bin/python benchmarks/admin_benchmark.py [--runs N] [--condition CODE ...]

It creates a database of its own (``symptomcheck_admin_benchmark`` on the embedded PostgreSQL,
or on the server of DATABASE_URL), loads ``knowledge/`` into the drafts, logs a curator in with
Django's test client and, for each condition (by default the named condition with the most
evidence rows, systemic_lupus_erythematosus, and other_causes, which has a row for every
finding), prints the median and 90th-percentile server time in ms and the number of queries of:

* GET: the change page;
* POST: saving it with one figure changed (and its source note with it), as a browser posts it.

The POST line also says how many fields and bytes the browser sends against the request limits
(DATA_UPLOAD_MAX_NUMBER_FIELDS, DATA_UPLOAD_MAX_MEMORY_SIZE): a page over them is refused with
400 before the admin sees it, and is then timed again with the limits lifted (marked so).
The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))  # run as a script from anywhere
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "symptomcheck.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from conditions.knowledge_file import read_knowledge_document  # noqa: E402
from conditions.models import Condition, Evidence  # noqa: E402
from conditions.services import knowledge_base_load  # noqa: E402
from tests.knowledge_base.page_forms import posted_form_data  # noqa: E402

DATABASE = "symptomcheck_admin_benchmark"
DEFAULT_CONDITIONS = ("systemic_lupus_erythematosus", "other_causes")
REASON = "Benchmark: re-read the source table."


def timed(request: Callable[[], object], runs: int) -> tuple[float, float, int, object]:
    """Median and 90th percentile in ms over ``runs`` requests, the queries of one, a response."""
    response = request()  # warm: templates, content types, permissions
    with CaptureQueriesContext(connection) as queries:
        response = request()
    query_count = len(queries)  # now: the next request clears the connection's query log
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = request()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.9 * (len(times) - 1))], query_count, response


def save_one_change(client: Client, url: str, condition: Condition) -> Callable[[], object]:
    """A POST of the page as the browser sends it, with one evidence figure changed each time
    (between two values, with its source note)."""
    row = Evidence.objects.filter(condition=condition).order_by("pk").first()
    page = posted_form_data(client.get(url).content.decode(), "condition_form")
    index = next(
        key.split("-")[1]
        for key, value in page.items()
        if key.startswith("evidence-") and key.endswith("-id") and value == str(row.pk)
    )
    versions = []
    for probability in ("0.31", "0.32"):
        data = {**page, "change_reason": REASON}
        data[f"evidence-{index}-probability"] = probability
        data[f"evidence-{index}-note"] = f"Benchmark figure {probability}."
        versions.append(data)
    saves = iter(range(10**9))
    return lambda: client.post(url, versions[next(saves) % 2])


def posted_size(client: Client, url: str) -> tuple[int, int]:
    data = posted_form_data(client.get(url).content.decode(), "condition_form")
    data["change_reason"] = REASON
    fields = sum(len(v) if isinstance(v, list) else 1 for v in data.values())
    return fields, len(urlencode(data, doseq=True).encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed requests per figure")
    parser.add_argument("--condition", action="append", help="condition code (repeatable)")
    args = parser.parse_args()

    # Timed as served: no query log, no template debug, and no setup_test_environment(), whose
    # instrumented templates make the test client keep a copy of every template's context.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = DATABASE
    # GET requests run the GETs of the POST too; the per-address rate limit is not measured here.
    settings.RATELIMIT_ENABLE = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        knowledge_base_load(document=read_knowledge_document(REPOSITORY / "knowledge"))
        curator = User.objects.create_user("benchmark-curator", is_staff=True)
        curator.groups.add(Group.objects.get(name="Curators"))
        client = Client(raise_request_exception=False)
        client.force_login(curator)

        print(f"Condition page, {args.runs} timed requests each (median / p90 ms, queries)")
        for code in args.condition or DEFAULT_CONDITIONS:
            condition = Condition.objects.get(code=code)
            rows = Evidence.objects.filter(condition=condition).count()
            url = reverse("admin:conditions_condition_change", args=[condition.pk])
            median, p90, queries, response = timed(lambda url=url: client.get(url), args.runs)
            print(
                f"{code} ({rows} evidence rows)\n  GET   {median:7.1f} / {p90:7.1f} ms, "
                f"{queries} queries, {len(response.content) // 1024} KiB of HTML"
            )
            fields, size = posted_size(client, url)
            limits = (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
            print(f"  POST sends {fields} fields, {size} bytes (limits: {limits[0]}, {limits[1]})")
            median, p90, queries, response = timed(
                save_one_change(client, url, condition), args.runs
            )
            if response.status_code == 302:
                print(f"  POST  {median:7.1f} / {p90:7.1f} ms, {queries} queries")
                continue
            print(f"  POST  refused with {response.status_code} under the request limits")
            with override_settings(
                DATA_UPLOAD_MAX_NUMBER_FIELDS=None, DATA_UPLOAD_MAX_MEMORY_SIZE=None
            ):
                median, p90, queries, response = timed(
                    save_one_change(client, url, condition), args.runs
                )
            assert response.status_code == 302, response.status_code
            print(
                f"  POST  {median:7.1f} / {p90:7.1f} ms, {queries} queries (request limits lifted)"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
