"""How long "Check your answers" and the doctor's summary are on a 390 × 844 phone (issue 14).

A screen is the phone's viewport height: the page's length in screens is the document's
scrollHeight / 844. Each page is audited with axe-core and saved as full-page screenshots at phone
and desktop widths in test-artifacts/screenshots/, like the other walks.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    PHONE,
    Audit,
    WalkFigures,
    answer_pages,
    fill_about_you,
    phone_page_height,
    press_continue,
    start,
)

# A long walk: "not sure" to having a temperature brings its follow-up, "not sure" to a cancer
# leaves its warning signs open (night pain, weight loss), and the yes answers make the
# conditions and their reasons many, so the interview asks close to its maximum.
YES = {
    "pain_worse_with_rest",
    "morning_stiffness_over_30min",
    "morning_stiffness_over_60min",
    "small_joints_hands_feet",
    "symmetric_joints",
    "other_joints_swollen",
    "fatigue",
    "family_history_autoimmune",
    "psoriasis",
    "pain_groin",
    "pain_buttock",
}
NOT_SURE = {"fever", "history_of_cancer"}
MAX_CHECK_ANSWERS_SCREENS = 4
# The summary holds every answer (about 2.9 screens for this walk) and the conditions that fit
# with their reasons (likelihood and reasons only; what each condition is stays on the result
# page): measured 5.5 screens (8.5 before the list was trimmed to the conditions that fit).
MAX_SUMMARY_SCREENS = 6


def screens(page: Page) -> float:
    """The page's length at phone size, in phone screens."""
    height = phone_page_height(page)
    return height / PHONE["height"]


def test_check_your_answers_and_the_summary_fit_a_phone(page: Page):
    audit = Audit("phone-lengths")
    start(page)
    fill_about_you(page, age=47, sex="Female", weeks=30)
    press_continue(page)
    answer_pages(page, WalkFigures("phone-lengths"), yes=YES, not_sure=NOT_SURE)

    # Check your answers: one group per page, one "Change" link each.
    groups = page.locator("main section.check-answers__group")
    assert groups.count() >= 4
    expect(page.locator("main").get_by_role("link", name=re.compile("^Change"))).to_have_count(
        groups.count()
    )
    rows = page.locator("main .check-answers__row").count()
    # The interview asks at most 22 questions, About you's four included (41 before issue 16).
    assert rows >= 15, f"only {rows} answers: not the long walk this test measures"
    check_answers = screens(page)
    print(f"\nCheck your answers: {rows} answers, {check_answers:.2f} screens at 390 × 844")
    audit(page, "check_answers")
    assert check_answers <= MAX_CHECK_ANSWERS_SCREENS

    page.get_by_role("button", name="See my result").click()
    expect(page).to_have_url(re.compile(r"/result/$"))
    page.get_by_role("link", name="Print or save a summary for your doctor").click()
    expect(page).to_have_url(re.compile(r"/result/summary/$"))
    expect(page.locator("main h3.answer-group__title").first).to_have_text("About you")
    summary = screens(page)
    print(f"Summary for the doctor: {summary:.2f} screens at 390 × 844")
    audit(page, "summary")
    audit.assert_no_violations()
    assert summary <= MAX_SUMMARY_SCREENS
