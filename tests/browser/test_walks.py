"""Whole walks through the adaptive questionnaire in a real browser, start page to result.

Three walks are audited (axe-core on every page they show, each saved as a full-page screenshot
at phone and desktop widths in test-artifacts/screenshots/) and measured: an adult with
inflammatory arthritis, a child of 6 with a limp and a temperature, and an emergency. Each prints
its question pages, questions asked and words read, and keeps them in test-artifacts/walks/.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    Audit,
    WalkFigures,
    answer_pages,
    fill_about_you,
    press_continue,
    start,
)

INFLAMMATORY_YES = {
    "pain_worse_with_rest",
    "morning_stiffness_over_30min",
    "morning_stiffness_over_60min",
    "small_joints_hands_feet",
    "symmetric_joints",
    "other_joints_swollen",
    "fatigue",
    "family_history_autoimmune",
    "pain_groin",
}
NOT_A_DIAGNOSIS = "This is not a diagnosis"


def care_card_comes_first(page: Page) -> None:
    """The urgency card is the first thing in <main>, with nothing before it."""
    first = page.locator("main > *").first
    expect(first).to_have_class(re.compile(r"\bcare-card\b"))


def test_an_emergency_interrupts_the_questions_after_the_warning_signs(page: Page):
    audit = Audit("emergency")
    figures = WalkFigures("emergency-80-fall")
    start(page)
    audit(page, "about_you")
    figures.record(page, "about_you")
    fill_about_you(page, age=80, sex="Female", weeks=0)
    press_continue(page)
    expect(page).to_have_url(re.compile(r"/check/questions_1/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Warning signs")
    answer_pages(page, figures, yes={"recent_trauma", "unable_to_bear_weight"}, audit=audit)

    expect(page).to_have_url(re.compile(r"/result/$"))
    care_card_comes_first(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Immediate action required: Call 999 now"
    )
    expect(page).to_have_title(re.compile(r"^Call 999 now"))
    # Call first, as a tap-to-call link; then A&E, once.
    expect(
        page.locator("section.care-card").get_by_role("link", name="Call 999")
    ).to_have_attribute("href", "tel:999")
    expect(page.get_by_text("We stopped the questions early")).to_be_visible()
    # The conditions come after the card, folded away in <details>.
    details = page.locator("main details.conditions-details")
    expect(details).not_to_have_attribute("open", "")
    expect(details.get_by_text(NOT_A_DIAGNOSIS)).to_be_hidden()
    details.locator("> summary").click()
    expect(details.get_by_text(NOT_A_DIAGNOSIS)).to_be_visible()
    audit(page, "result")
    figures.result = "emergency"
    figures.save()
    # About you, the warning signs, then whether she fell (both emergencies open at 80 need
    # "can you put weight on it?", asked first): then it stopped.
    assert figures.question_pages == 3
    audit.assert_no_violations()


def test_inflammatory_arthritis_whole_walk_with_axe_and_screenshots(page: Page, tmp_path: Path):
    audit = Audit("inflammatory")
    page.goto("/")
    audit(page, "start")
    start(page)

    audit(page, "about_you")
    figures = WalkFigures("adult-47-inflammatory")
    figures.record(page, "about_you")
    fill_about_you(page, age=47, sex="Female", weeks=3, unit="Months", side="Both")
    press_continue(page)
    # No promised number of pages: "Question page 2", never "of N".
    expect(page.locator(".step-caption")).to_have_text("Question page 2")
    answer_pages(page, figures, yes=INFLAMMATORY_YES, audit=audit)

    audit(page, "check_answers")
    answers = page.locator("main")
    expect(answers).to_contain_text("47")
    expect(answers).to_contain_text("3 months")
    expect(answers).to_contain_text("Both")

    # Change an answer: the page shows what was given, and Continue returns here.
    page.get_by_role("link", name=re.compile(r"^Change")).nth(1).click()
    expect(page).to_have_url(re.compile(r"/check/questions_1/\?return-to-check=1$"))
    expect(page.locator('#step-form input[value="no"]:checked').first).to_be_checked()
    press_continue(page)
    expect(page).to_have_url(re.compile(r"/check/check_answers/$"))

    page.get_by_role("button", name="See my result").click()
    expect(page).to_have_url(re.compile(r"/result/$"))
    audit(page, "result")
    care_card_comes_first(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Non-urgent advice: See a doctor within 3 days"
    )
    figures.result = "soon"
    expect(page.get_by_role("heading", name="What might be causing your pain")).to_be_visible()
    expect(page.get_by_text(NOT_A_DIAGNOSIS)).to_be_visible()
    ra = page.locator("section.condition").filter(
        has=page.get_by_role("heading", name="Rheumatoid arthritis", exact=True)
    )
    expect(ra).to_be_visible()
    # Its details are folded: the reasons show when opened, as statements of what was said.
    expect(ra.get_by_role("heading", name="Why it fits")).to_be_hidden()
    ra.locator("details > summary").click()
    expect(ra.get_by_role("heading", name="Why it fits")).to_be_visible()
    expect(ra).to_contain_text("Small joints in your hands, wrists or feet are painful or swollen")

    page.get_by_role("link", name="Print or save a summary for your doctor").click()
    expect(page).to_have_url(re.compile(r"/result/summary/$"))
    audit(page, "summary")
    # The doctor's summary says which side, and how long as it was given.
    summary = page.locator("main")
    expect(summary).to_contain_text("Which side hurts")
    expect(summary).to_contain_text("Both")
    expect(summary).to_contain_text("3 months")
    page.emulate_media(media="print")  # what the printed copy looks like: no site chrome
    expect(page.locator(".site-header")).to_be_hidden()
    audit.screenshot(page, "summary-print", "desktop")
    page.emulate_media(media="screen")
    expect(page.locator("main")).to_contain_text("See a doctor within 3 days")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this summary as a PDF").click()
    download = download_info.value
    assert download.suggested_filename == "hip-pain-summary.pdf"
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    page.get_by_role("link", name="Back to your result").click()
    ra.locator("details > summary").click()
    page.get_by_role("link", name="More about Rheumatoid arthritis").click()
    expect(page).to_have_url(re.compile(r"/conditions/rheumatoid_arthritis/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rheumatoid arthritis")
    audit(page, "condition")
    page.get_by_role("link", name="All conditions").click()
    expect(page).to_have_url(re.compile(r"/conditions/$"))
    audit(page, "conditions")

    assert audit.audited[:3] == ["start", "about_you", "questions_1"]
    assert {"check_answers", "result", "summary"} <= set(audit.audited)
    figures.save()
    assert figures.questions <= 23  # the scoring policy's maximum, About you's four included
    audit.assert_no_violations()


def test_a_child_with_a_limp_and_no_fever_gets_help_today(page: Page):
    audit = Audit("child")
    figures = WalkFigures("child-7-limp")
    start(page)
    fill_about_you(page, age=7, sex="Male", weeks=0)
    press_continue(page)
    answer_pages(page, figures, yes={"limp"})
    page.get_by_role("button", name="See my result").click()

    expect(page).to_have_url(re.compile(r"/result/$"))
    care_card_comes_first(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Urgent advice: Get medical help today"
    )
    expect(page.get_by_text(NOT_A_DIAGNOSIS)).to_be_visible()
    expect(page.locator("section.condition h3").first).to_be_visible()
    audit(page, "result")
    audit.assert_no_violations()


def test_a_child_of_6_with_a_limp_and_a_temperature_is_sent_for_help_at_once(page: Page):
    audit = Audit("child-fever")
    figures = WalkFigures("child-6-limp-fever")
    start(page)
    audit(page, "about_you")
    figures.record(page, "about_you")
    fill_about_you(page, age=6, sex="Female", weeks=2, unit="Days", side="Right")
    press_continue(page)
    answer_pages(page, figures, yes={"limp", "fever"}, audit=audit)
    if not page.url.endswith("/result/"):
        audit(page, "check_answers")
        page.get_by_role("button", name="See my result").click()

    expect(page).to_have_url(re.compile(r"/result/$"))
    care_card_comes_first(page)
    # The red-flag rules: a limping child with a temperature may have a joint infection.
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(
        re.compile(
            r"^(Immediate action required: Call 999 now|Urgent advice: Get medical help today)"
        )
    )
    figures.result = " ".join(heading.inner_text().split())
    audit(page, "result")
    figures.save()
    audit.assert_no_violations()
