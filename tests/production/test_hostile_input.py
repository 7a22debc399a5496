"""B1: whatever is posted to the questionnaire, the answer is a clear page, never a server error.

Random dictionaries of keys and values (the real field names among them; NUL bytes, 10,000-
character strings, huge numbers, floats, lists), tampered or missing management forms, unknown
steps in the URL, and missing or wrong CSRF tokens.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conditions.knowledge_file import read_knowledge_document
from tests.production.helpers import (
    CHECK_ANSWERS,
    PROJECT_DIR,
    WIZARD,
    Walk,
    step_data,
    walk_steps,
)

pytestmark = pytest.mark.django_db

MANAGEMENT = f"{WIZARD}-current_step"
FUZZED_STEPS = ["about_you", "questions_1", "questions_2", CHECK_ANSWERS]
# Sentences one of which every page a person can be shown here carries.
CLEAR_PAGES = {
    200: ("There is a problem",),
    400: ("Sorry, there is a problem with this page",),
    403: ("Your page timed out",),
    429: ("Please wait a moment",),
}
# 200 examples per step keep this file within ~30 s; FUZZ_EXAMPLES=500 for a longer run.
EXAMPLES_PER_STEP = int(os.environ.get("FUZZ_EXAMPLES", "200"))


def field_names() -> dict[str, list[str]]:
    document = read_knowledge_document(PROJECT_DIR / "knowledge")
    codes = [finding["code"] for finding in document["findings"]]
    # A page may ask any finding: every code is a plausible key on every page.
    return {
        "about_you": ["age", "sex", "side", "duration", "duration_unit", "duration_unknown"],
        "questions_1": codes,
        "questions_2": codes,
        CHECK_ANSWERS: [],
    }


FIELDS = field_names()
# The steps, and page steps no answers lead to (the last possible one, and one past it).
STEP_NAMES = [*FIELDS, "questions_30", "questions_31"]

BIG_STRINGS = ["x" * 10_000, "\x00" * 64, "9" * 5_000, "é" * 10_000]
AWKWARD_TEXT = [
    "",
    "\x00",
    "yes\x00",
    "yes",
    "no",
    "not_sure",
    "female",
    "male",
    "on",
    "pain_groin",
    "months",
    "left",
    "1e309",
    "-1",
    "NaN",
    "Infinity",
    "0x10",
    " 42 ",
    "４２",  # full-width digits
    "<script>alert(1)</script>",
    "'; DROP TABLE questionnaire_completedassessment; --",
    "\ud7ff\ufffd",
]
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(AWKWARD_TEXT + BIG_STRINGS),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.one_of(st.text(max_size=10), st.sampled_from(AWKWARD_TEXT)), max_size=5),
)
# A tampered current_step: other steps, words formtools might know, nonsense, or none at all.
CURRENT_STEPS = st.one_of(
    st.sampled_from(STEP_NAMES),
    st.sampled_from(["", "finished", "done", "nonsense", "0", "__init__", "about_you "]),
    st.text(max_size=20),
    st.none(),  # no management form at all
)


def keys_for(step: str) -> st.SearchStrategy[str]:
    real = [f"{step}-{name}" for name in FIELDS[step]]
    other = [f"{other}-{name}" for other in FIELDS for name in FIELDS[other][:3]]
    return st.one_of(
        st.sampled_from(real or [f"{step}-x"]),
        st.sampled_from(other + FIELDS[step] + ["wizard_goto_step", "csrfmiddlewaretoken"]),
        st.text(max_size=40),
    )


def encoded(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [str(item) for item in values]


def form_body(data: dict[str, Any]) -> str:
    """URL-encoded, as a browser sends the questionnaire's forms."""
    return urlencode([(key, item) for key, value in data.items() for item in encoded(value)])


def assert_clear_page(response) -> None:
    status = response.status_code
    assert status < 500, status
    if status in (301, 302):
        assert response["Location"].startswith("/"), response["Location"]
        return
    assert status in CLEAR_PAGES, status
    page = response.content.decode()
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert any(sentence in page for sentence in CLEAR_PAGES[status]), (status, page[:400])


@pytest.fixture
def client_at(request, published) -> tuple[Client, str]:
    """A client whose questionnaire has reached the step under test, and that step."""
    client = Client()
    client.get("/check/", follow=True)
    walk = Walk()
    steps = walk.steps()
    walk_steps(client, walk, steps[: steps.index(request.param)])
    return client, request.param


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_STEP,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("client_at", FUZZED_STEPS, indirect=True)
@FUZZ_SETTINGS
@given(data=st.data())
def test_random_answers_to_a_step_give_a_clear_page(client_at, data):
    client, step = client_at
    answers = data.draw(st.dictionaries(keys_for(step), VALUES, max_size=12))
    current = data.draw(CURRENT_STEPS)
    if current is not None:
        answers[MANAGEMENT] = current
    url_step = data.draw(st.one_of(st.just(step), st.from_regex(r"\A[a-z_]{1,30}\Z")))
    response = client.post(
        f"/check/{url_step}/", form_body(answers), content_type="application/x-www-form-urlencoded"
    )
    assert_clear_page(response)


@pytest.mark.parametrize("client_at", ["questions_1"], indirect=True)
@FUZZ_SETTINGS
@given(answers=st.dictionaries(keys_for("questions_1"), VALUES, max_size=8))
def test_random_multipart_posts_give_a_clear_page(client_at, answers):
    client, step = client_at
    answers[MANAGEMENT] = step
    response = client.post(f"/check/{step}/", answers)
    assert_clear_page(response)


def test_a_missing_management_form_gives_the_clear_bad_request_page(client, published):
    client.get("/check/", follow=True)
    response = client.post("/check/about_you/", {"about_you-age": "40"})
    assert response.status_code == 400
    assert "Sorry, there is a problem with this page" in response.content.decode()
    assert 'href="/check/about_you/"' in response.content.decode()


@pytest.mark.parametrize("tampered", ["nonsense", "finished", "", "about_you\x00"])
def test_a_tampered_current_step_after_the_first_step_gives_a_clear_page(
    client, published, tampered
):
    client.get("/check/", follow=True)
    walk_steps(client, Walk(), ["about_you"])
    response = client.post("/check/questions_1/", {MANAGEMENT: tampered})
    assert_clear_page(response)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("url", ["/check/nonsense/", "/check/finished/", "/check/a_b_c/"])
def test_an_unknown_step_in_the_url_sends_back_to_a_real_step(client, published, url):
    client.get("/check/", follow=True)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/check/")
    response = client.post(url, step_data("about_you", {"age": "41"}))
    assert_clear_page(response)


def test_too_many_fields_give_a_clear_page(client, published):
    client.get("/check/", follow=True)
    body = "&".join(f"about_you-f{number}=1" for number in range(2_000))
    response = client.post("/check/about_you/", body, "application/x-www-form-urlencoded")
    assert_clear_page(response)


def test_a_body_over_the_upload_limit_gives_a_clear_page(client, published):
    client.get("/check/", follow=True)
    body = urlencode({MANAGEMENT: "about_you", "about_you-age": "1" * 3_000_000})
    response = client.post("/check/about_you/", body, "application/x-www-form-urlencoded")
    assert_clear_page(response)


def test_a_one_megabyte_answer_gives_a_clear_page(client, published):
    client.get("/check/", follow=True)
    body = urlencode({MANAGEMENT: "about_you", "about_you-age": "\x00" + "7" * 1_000_000})
    response = client.post("/check/about_you/", body, "application/x-www-form-urlencoded")
    assert_clear_page(response)


# --- CSRF ---------------------------------------------------------------------------------------


@pytest.fixture
def checking_client(published) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.get("/check/", follow=True)
    return client


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    token=st.one_of(st.none(), st.text(max_size=80), st.from_regex(r"\A[A-Za-z0-9]{64}\Z")),
    drop_cookie=st.booleans(),
    step=st.sampled_from(FUZZED_STEPS),
)
def test_a_missing_or_wrong_csrf_token_gives_the_timed_out_page(
    checking_client, token, drop_cookie, step
):
    cookie = checking_client.cookies.get("csrftoken")
    if drop_cookie:
        checking_client.cookies.pop("csrftoken", None)
    data = step_data(step, {"age": "40", "sex": "female", "duration_weeks": "2"})
    if token is not None:
        data["csrfmiddlewaretoken"] = token
    response = checking_client.post(
        f"/check/{step}/", form_body(data), "application/x-www-form-urlencoded"
    )
    if cookie is not None:
        checking_client.cookies["csrftoken"] = cookie.value
    assert response.status_code == 403
    assert_clear_page(response)
