"""Question blocks nobody has answered are rendered once and shared; answers never are."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.test import Client

from conditions.models import KnowledgeBaseVersion

pytestmark = pytest.mark.django_db

ABOUT_YOU = {
    "age": "40",
    "sex": "male",
    "side": "right",
    "duration": "6",
    "duration_unit": "weeks",
}
STEP_FORM = re.compile(
    r'<form method="post" action="" novalidate id="step-form">(.*?)</form>', re.S
)


def new_person() -> Client:
    person = Client()
    about = {f"about_you-{name}": value for name, value in ABOUT_YOU.items()}
    person.post("/check/about_you/", {"questionnaire_wizard-current_step": "about_you", **about})
    return person


def step_page(person: Client, step: str):
    response = person.get(f"/check/{step}/")
    assert response.status_code == 200
    return response


def questions_block(response) -> str:
    """The step form's questions, without the per-person CSRF token."""
    form = STEP_FORM.search(response.content.decode())
    assert form is not None
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", form.group(1))


def is_cached(response) -> bool:
    key = response.context["shared_questions_key"]
    fragment = make_template_fragment_key("questionnaire_questions", [key])
    return key is not None and caches["fragments"].get(fragment) is not None


@pytest.fixture(autouse=True)
def _empty_fragment_cache():
    caches["fragments"].clear()


def test_a_step_nobody_has_answered_is_rendered_once_and_reused(published):
    first = step_page(new_person(), "questions_1")
    assert is_cached(first)

    second = step_page(new_person(), "questions_1")

    assert questions_block(second) == questions_block(first)
    assert " checked" not in questions_block(second)


def test_a_persons_own_answers_are_never_shared(post_step, client, published):
    step_page(new_person(), "questions_1")  # the unanswered block is now cached
    post_step("about_you", ABOUT_YOU)
    codes = re.findall(
        r'name="questions_1-(\w+)" value="yes"',
        questions_block(step_page(client, "questions_1")),
    )
    post_step("questions_1", {code: "yes" if code == "fever" else "no" for code in codes})

    revisited = step_page(client, "questions_1")

    assert revisited.context["shared_questions_key"] is None
    assert 'id="id_questions_1-fever_0" checked' in questions_block(revisited)
    assert " checked" not in questions_block(step_page(new_person(), "questions_1"))


def test_a_newly_published_wording_is_shown_at_once_to_whoever_starts_after_it(
    published, seeded_document
):
    person = new_person()
    before = questions_block(step_page(person, "questions_1"))
    reworded = "Reworded: have you had a temperature?"
    findings = [
        {**finding, "question": reworded} if finding["code"] == "fever" else finding
        for finding in seeded_document["findings"]
    ]
    KnowledgeBaseVersion.objects.create(
        number=2, document={**seeded_document, "findings": findings}, note="reworded"
    )

    starts_after = questions_block(step_page(new_person(), "questions_1"))
    # Someone already answering finishes under the version they started with (issue 14).
    started_before = questions_block(step_page(person, "questions_1"))

    assert reworded not in before
    assert reworded in starts_after
    assert started_before == before
