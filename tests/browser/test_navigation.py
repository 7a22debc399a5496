"""Moving about the questionnaire in the browser: Back, the browser's back button, and errors."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    Audit,
    answer_findings,
    fill_about_you,
    press_continue,
    radio,
    start,
)

ENTER_AGE = "Enter your age in whole years"
SELECT_ANSWER = "Select yes, no or not sure"


def test_back_keeps_the_answers_of_the_page_you_leave_and_of_the_page_you_return_to(
    page: Page,
):
    start(page)
    fill_about_you(page, age=35, sex="Male", weeks=10)
    press_continue(page)

    # Half-answer the warning signs, then go Back: nothing typed on either page is lost.
    radio(page, "recent_trauma", "yes").check()
    radio(page, "fever", "no").check()
    page.get_by_role("button", name="Back").click()
    expect(page).to_have_url(re.compile(r"/check/about_you/$"))
    expect(page.get_by_label("How old are you?")).to_have_value("35")
    expect(page.get_by_label("Male", exact=True)).to_be_checked()
    expect(page.get_by_label("How long have you had this pain?")).to_have_value("10")

    press_continue(page)
    expect(page).to_have_url(re.compile(r"/check/questions_1/$"))
    expect(radio(page, "recent_trauma", "yes")).to_be_checked()
    expect(radio(page, "fever", "no")).to_be_checked()
    expect(radio(page, "saddle_numbness_or_bladder_change", "no")).not_to_be_checked()

    answer_findings(page)
    press_continue(page)
    expect(page).to_have_url(re.compile(r"/check/questions_2/$"))

    # The browser's own back button shows the previous page with its answers.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/check/questions_1/$"))
    expect(radio(page, "fever", "no")).to_be_checked()
    expect(radio(page, "recent_trauma", "no")).to_be_checked()


def test_a_validation_error_is_summarised_shown_inline_and_keeps_the_other_answers(page: Page):
    audit = Audit("errors")
    start(page)
    fill_about_you(page, age="", sex="Female", weeks=3)
    press_continue(page)

    expect(page).to_have_url(re.compile(r"/check/about_you/$"))
    expect(page).to_have_title(re.compile(r"^Error: About you"))
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()  # the autofocus attribute, no JavaScript
    link = summary.get_by_role("link", name=ENTER_AGE)
    expect(link).to_have_attribute("href", "#id_about_you-age")
    age = page.get_by_label("How old are you?")
    expect(age).to_have_attribute("aria-invalid", "true")
    inline = page.locator("#id_about_you-age_error")
    expect(inline).to_have_text(f"Error: {ENTER_AGE}")
    expect(age).to_have_attribute("aria-describedby", re.compile(r"id_about_you-age_error"))
    # Every other answer is kept.
    expect(page.get_by_label("Female", exact=True)).to_be_checked()
    expect(page.get_by_label("How long have you had this pain?")).to_have_value("3")
    audit(page, "about_you-error")

    # The error page came from a GET (post / redirect / get): the browser's Back and Forward
    # load it again without asking to resubmit a form.
    back = page.go_back()
    assert back is None or back.request.method == "GET"
    forward = page.go_forward()
    assert forward is not None
    assert forward.request.method == "GET"
    assert forward.status == 200
    expect(page).to_have_url(re.compile(r"/check/about_you/$"))

    link.click()
    expect(age).to_be_focused()
    age.fill("52")
    press_continue(page)
    # (The form posts to the page's own address, so the #fragment of the link may stay.)
    expect(page).to_have_url(re.compile(r"/check/questions_1/(#.*)?$"))

    # Nothing answered: one error per question, each linked to its first radio.
    radio(page, "recent_trauma", "no").check()
    press_continue(page)
    expect(page).to_have_title(re.compile(r"^Error: Warning signs"))
    links = page.locator(".error-summary a")
    expect(links.first).to_have_text(re.compile(rf"^{SELECT_ANSWER}: Have you had a temperature"))
    expect(links.first).to_have_attribute("href", "#id_questions_1-fever_0")
    fever = page.get_by_role("group", name=re.compile(r"^Have you had a temperature"))
    expect(fever).to_contain_text(f"Error: {SELECT_ANSWER}")
    expect(fever).to_have_attribute("aria-describedby", re.compile(r"_error"))
    fall = page.get_by_role("group", name=re.compile(r"^Have you had a fall"))
    expect(fall).not_to_contain_text(SELECT_ANSWER)
    expect(radio(page, "recent_trauma", "no")).to_be_checked()
    assert links.count() == page.locator(".question-group--error").count()
    audit(page, "questions_1-error")
    audit.assert_no_violations()
