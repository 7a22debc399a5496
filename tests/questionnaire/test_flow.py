"""The questionnaire as a person walks it: steps, back, errors, emergencies, the result."""

from __future__ import annotations

import re

import pytest

from questionnaire.views import SESSION_RESULT_KEY
from tests.production.helpers import Walk, page_codes, walk_to_check_answers

pytestmark = pytest.mark.django_db


def about_you(age=35, sex="female", weeks="10", side="left"):
    return {"age": str(age), "sex": sex, "side": side, "duration": weeks, "duration_unit": "weeks"}


def first_page_codes(client) -> list[str]:
    return page_codes(client.get("/check/questions_1/").content.decode(), "questions_1")


def test_the_first_step_asks_age_sex_and_duration_and_shows_where_you_are(client, published):
    response = client.get("/check/", follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "How old are you?" in page
    assert "Which side hurts?" in page
    assert "Question page 1" in page
    assert " of " not in page.split("Question page 1")[1][:20]  # no promised number of pages


def test_a_validation_error_says_what_to_fix_and_keeps_the_other_answers(
    post_step, client, published
):
    response = post_step("about_you", {**about_you(weeks="3"), "age": ""})
    # Post / redirect / get: the error is shown by a GET of the same page.
    assert response.status_code == 302
    assert response["Location"] == "/check/about_you/"
    page = client.get("/check/about_you/").content.decode()
    assert "There is a problem" in page
    assert "Enter your age in whole years" in page
    assert page.startswith("<!doctype html>")
    assert "<title>Error:" in page
    assert 'value="female" ' in page
    assert "checked" in page
    assert 'value="3"' in page


def test_an_absurd_age_is_refused_with_a_clear_message(post_step, published):
    page = post_step("about_you", about_you(age=500), follow=True).content.decode()
    assert "Enter an age of 120 or less" in page


def test_an_emergency_interrupts_before_any_further_question(post_step, client, published):
    post_step("about_you", about_you(age=80, weeks="0"))
    first = dict.fromkeys(first_page_codes(client), "no")
    # What both emergencies open at 80 need (a broken hip, an infected joint) comes first.
    assert "unable_to_bear_weight" in first
    first["unable_to_bear_weight"] = "yes"
    response = post_step("questions_1", first, follow=True)
    assert response.redirect_chain[-1][0] == "/check/questions_2/"
    second = dict.fromkeys(page_codes(response.content.decode(), "questions_2"), "no")
    assert "recent_trauma" in second  # then: did she fall?
    second["recent_trauma"] = "yes"
    response = post_step("questions_2", second, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/result/"
    assert "Call 999 now" in page
    # Call first, as a tap-to-call link, then A&E, once.
    call = page.index('<a class="care-card__call" href="tel:999">Call 999</a>')
    assert page.count("A&amp;E") == 1
    assert call < page.index("A&amp;E")
    assert "We stopped the questions early" in page


def test_back_keeps_the_answers_typed_on_the_current_step(post_step, client, published):
    post_step("about_you", about_you())
    half = {"fever": "no", "recent_trauma": "yes"}  # incomplete on purpose
    post_step("questions_1", {**half, "wizard_goto_step": "about_you"})
    page = client.get("/check/questions_1/").content.decode()
    checked = re.findall(r'<input[^>]*name="([^"]+)" value="([^"]+)"[^>]*checked', page)
    assert ("questions_1-recent_trauma", "yes") in checked
    assert ("questions_1-fever", "no") in checked


def test_start_over_clears_every_answer(post_step, client, published):
    post_step("about_you", about_you())
    client.post("/start-over/")
    page = client.get("/check/about_you/").content.decode()
    assert 'value="35"' not in page


def walk_to_result(post_step, client, *, age, sex, weeks, yes=()):
    walk = Walk(age=age, sex=sex, weeks=int(weeks), yes=frozenset(yes))
    walk_to_check_answers(client, walk)
    check = client.get("/check/check_answers/")
    assert "Check your answers" in check.content.decode()
    return post_step("check_answers", {}, follow=True)


def test_an_inflammatory_pattern_leads_to_a_result_with_urgency_first(post_step, client, published):
    yes = {
        "small_joints_hands_feet",
        "symmetric_joints",
        "other_joints_swollen",
        "morning_stiffness_over_30min",
        "morning_stiffness_over_60min",
        "fatigue",
        "pain_groin",
        "pain_worse_with_rest",
        "family_history_autoimmune",
    }
    response = walk_to_result(post_step, client, age=47, sex="female", weeks="14", yes=yes)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/result/"
    assert page.index("care-card") < page.index("What might be causing your pain")
    assert "See a doctor within 3 days" in page
    assert "Rheumatoid arthritis" in page
    assert "Why it fits" in page
    assert "not a diagnosis" in page
    assert client.session.get(SESSION_RESULT_KEY) is not None


def test_the_summary_for_the_doctor_lists_the_answers_and_the_version(post_step, client, published):
    walk_to_result(post_step, client, age=30, sex="male", weeks="1", yes={"pain_groin"})
    page = client.get("/result/summary/").content.decode()
    assert "summary for your doctor" in page
    assert "knowledge base version 1" in page
    assert "How old are you?" not in page  # answers are listed by their short labels
    assert "Age" in page


def test_the_result_page_without_answers_sends_you_to_the_start(client, published):
    response = client.get("/result/")
    assert response.status_code == 302


def test_a_tampered_wizard_step_gives_a_clear_page_not_a_server_error(client, published):
    response = client.post("/check/about_you/", {"questionnaire_wizard-current_step": "nonsense"})
    assert response.status_code in (200, 400)


def test_condition_pages_show_published_conditions_only(client, published):
    response = client.get("/conditions/rheumatoid_arthritis/")
    assert response.status_code == 200
    assert "What a doctor may check" in response.content.decode()
    assert client.get("/conditions/not_a_condition/").status_code == 404


def test_the_summary_downloads_as_a_pdf(post_step, client, published):
    walk_to_result(post_step, client, age=30, sex="male", weeks="1", yes={"pain_groin"})
    response = client.get("/result/summary.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_result_shows_no_percentages(post_step, client, published):
    yes = {"small_joints_hands_feet", "symmetric_joints", "other_joints_swollen", "fatigue"}
    page = walk_to_result(post_step, client, age=47, sex="female", weeks="14", yes=yes)
    text = page.content.decode()
    assert "Fits your answers" in text  # the likelihood in words
    assert not re.search(r"\d\s?%", text)


def test_a_duration_that_is_not_a_whole_number_is_shown_back_with_its_message(
    post_step, client, published
):
    response = post_step("about_you", {**about_you(), "duration": "4 months"})
    assert response.status_code == 302
    assert response["Location"] == "/check/about_you/"
    page = client.get("/check/about_you/").content.decode()
    assert "Enter how long as a whole number, like 3" in page
    assert 'value="4 months"' in page
    # Shown again on reload (and the browser's Back and Forward) until the next answer is sent.
    assert "Enter how long as a whole number" in client.get("/check/about_you/").content.decode()
    assert post_step("about_you", about_you())["Location"] == "/check/questions_1/"
    assert "There is a problem" not in client.get("/check/about_you/").content.decode()
