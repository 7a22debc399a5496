"""Abuse limits: what one request may make the server store, render or read.

- A wizard POST keeps only its step's form fields (Back used to store the raw body: 2 MB a
  request, kept for hours) and one session's answers are capped in size.
- PDFs are rendered in a few slots shared by every worker; with all taken, a calm 503.
- A form posted in a character set other than UTF-8 is a 400 page, not a 500.
- Bodies over the limit are refused by every endpoint, each in its own format.
"""

from __future__ import annotations

import fcntl
import json
import os
from urllib.parse import urlencode

import pytest
from django.test import Client

from questionnaire.pdf import slot_folder
from questionnaire.storage import stored_size
from tests.production.helpers import WIZARD, Walk, step_data, walk_steps, walk_to_result

pytestmark = pytest.mark.django_db

MANAGEMENT = f"{WIZARD}-current_step"
BAD_REQUEST_PAGE = "Sorry, there is a problem with this page"


def wizard_state(client: Client) -> dict:
    return client.session[f"wizard_{WIZARD}"]


@pytest.fixture
def started(published) -> Client:
    client = Client()
    client.get("/check/", follow=True)
    walk_steps(client, Walk(), ["about_you"])
    return client


def hostile_goto_body(step: str, size: int) -> str:
    """A Back press carrying ``size`` bytes of junk: unknown keys, long values, many values."""
    pairs = [
        (MANAGEMENT, step),
        ("wizard_goto_step", "about_you"),
        (f"{step}-fever", "yes"),
        (f"{step}-fever", "no"),  # a second value to a one-value field
        (f"{step}-recent_trauma", "y" * 10_000),  # longer than any answer
    ]
    filler = size // 100
    pairs += [(f"junk-{number}", "x" * 90) for number in range(filler)]
    return urlencode(pairs)


def test_a_huge_back_post_stores_only_the_steps_fields(started, settings):
    # Past every body limit, to show what the wizard itself keeps.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = settings.REQUEST_BODY_MAX_BYTES = 3_000_000
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = settings.REQUEST_MAX_FIELDS = 100_000
    before = stored_size(wizard_state(started))
    body = hostile_goto_body("questions_1", 2_000_000)

    response = started.post("/check/questions_1/", body, "application/x-www-form-urlencoded")

    assert response.status_code == 302
    stored = wizard_state(started)["step_data"]["questions_1"]
    assert stored == {"questions_1-fever": ["yes"], MANAGEMENT: ["questions_1"]}
    assert stored_size(wizard_state(started)) - before < 200


def test_a_valid_step_with_junk_stores_only_the_steps_fields(started):
    walk = Walk()
    walk.answers_for("about_you")
    data = step_data("questions_1", walk.answers_for("questions_1"))
    data.update({f"junk-{number}": "x" * 50 for number in range(100)})

    response = started.post("/check/questions_1/", data)

    assert response.status_code == 302
    stored = wizard_state(started)["step_data"]["questions_1"]
    assert set(stored) == {
        MANAGEMENT,
        *(f"questions_1-{c}" for c in walk.posted["questions_1"]),
    }


def test_a_whole_questionnaire_stays_well_under_the_session_limit(published, settings):
    client = Client()
    client.get("/check/", follow=True)
    walk = Walk()
    walk_steps(client, walk, walk.steps()[:-1])

    assert stored_size(wizard_state(client)) < settings.QUESTIONNAIRE_SESSION_MAX_BYTES / 4


def test_answers_past_the_session_limit_are_refused_and_not_stored(started, settings):
    before = wizard_state(started)
    settings.QUESTIONNAIRE_SESSION_MAX_BYTES = stored_size(before) + 20
    walk = Walk()
    walk.answers_for("about_you")

    response = started.post(
        "/check/questions_1/", step_data("questions_1", walk.answers_for("questions_1"))
    )

    assert response.status_code == 400
    assert BAD_REQUEST_PAGE in response.content.decode()
    assert wizard_state(started)["step_data"] == before["step_data"]


# --- PDF slots ----------------------------------------------------------------------------------


@pytest.fixture
def slots_taken(settings, tmp_path):
    """Every PDF slot held, as other workers rendering PDFs would hold them."""
    settings.RUNTIME_DIR = tmp_path
    settings.SUMMARY_PDF_SLOTS = 2
    slot_folder().mkdir(parents=True)
    held = []
    for number in range(2):
        descriptor = os.open(slot_folder() / f"slot-{number}.lock", os.O_RDWR | os.O_CREAT)
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.append(descriptor)
    yield held
    for descriptor in held:
        os.close(descriptor)


def test_with_every_pdf_slot_taken_the_pdf_is_a_calm_busy_page(published, slots_taken):
    client = Client()
    walk_to_result(client)

    response = client.get("/result/summary.pdf")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Content-Type"].startswith("text/html")
    assert "Busy, please try again in a minute" in response.content.decode()


def test_a_free_slot_renders_the_pdf_and_releases_it(published, slots_taken):
    client = Client()
    walk_to_result(client)
    os.close(slots_taken.pop())  # one slot comes free

    assert client.get("/result/summary.pdf")["Content-Type"] == "application/pdf"
    assert client.get("/result/summary.pdf")["Content-Type"] == "application/pdf"


# --- character sets and body size ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/check/about_you/", "/start-over/", "/"])
def test_a_utf16_form_post_is_a_400_page_not_a_500(published, path):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get("/check/", follow=True)
    token = client.cookies["csrftoken"].value
    body = f"csrfmiddlewaretoken={token}&{MANAGEMENT}=about_you&about_you-age=40"

    response = client.post(path, body, "application/x-www-form-urlencoded; charset=utf-16")

    assert response.status_code == 400
    assert BAD_REQUEST_PAGE in response.content.decode()


def test_a_utf8_charset_is_still_accepted(started):
    walk = Walk()
    walk.answers_for("about_you")
    body = urlencode(step_data("questions_1", walk.answers_for("questions_1")))

    response = started.post(
        "/check/questions_1/", body, "application/x-www-form-urlencoded; charset=UTF-8"
    )

    assert response.status_code == 302


def test_a_form_body_over_the_limit_is_the_calm_400_page(started, settings):
    body = urlencode({MANAGEMENT: "questions_1", "x": "y" * settings.REQUEST_BODY_MAX_BYTES})

    response = started.post("/check/questions_1/", body, "application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert BAD_REQUEST_PAGE in response.content.decode()


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/v1/assessments", "application/json"),
        ("/fhir/QuestionnaireResponse/$from-answers", "application/fhir+json"),
    ],
)
def test_a_json_body_over_the_limit_is_refused_in_json(published, settings, path, content_type):
    body = json.dumps({"age": 40, "sex": "male", "pad": "x" * settings.REQUEST_BODY_MAX_BYTES})

    response = Client().post(path, body, content_type=content_type)

    assert response.status_code in (400, 413)
    assert "json" in response["Content-Type"]
    assert "too large" in response.content.decode()


def test_the_limits_hold_the_largest_real_bodies_four_times(settings, seeded_document):
    codes = [finding["code"] for finding in seeded_document["findings"]]
    largest = {"age": 118, "sex": "female", "duration_weeks": 4159.5}
    largest["findings"] = {code: False for code in codes}

    assert 4 * len(json.dumps(largest)) <= settings.REQUEST_BODY_MAX_BYTES
    by_step: dict[str, int] = {}
    for finding in seeded_document["findings"]:
        by_step[finding["section"]] = by_step.get(finding["section"], 0) + 1
    # each finding, the management form, the CSRF token and the Back button
    assert 4 * (max(by_step.values()) + 3) <= settings.REQUEST_MAX_FIELDS


def test_a_form_with_more_fields_than_the_public_limit_is_the_calm_400_page(started, settings):
    fields = {MANAGEMENT: "questions_1"} | {f"x{n}": "" for n in range(settings.REQUEST_MAX_FIELDS)}

    response = started.post(
        "/check/questions_1/", urlencode(fields), "application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert BAD_REQUEST_PAGE in response.content.decode()


def test_the_admin_takes_a_whole_condition_page_over_the_public_limits(client, settings):
    # Saving the other-causes condition page sends about 480 fields and 24 KB.
    fields = {"username": "nobody", "password": "wrong"} | {
        f"x{n}": "y" * 40 for n in range(2 * settings.REQUEST_MAX_FIELDS)
    }
    body = urlencode(fields)
    assert len(body) > settings.REQUEST_BODY_MAX_BYTES

    response = client.post(
        f"/{settings.ADMIN_PATH}login/", body, "application/x-www-form-urlencoded"
    )

    assert response.status_code == 200  # the login form again, not the 400 page
