"""Moving about the questionnaire in the browser: Back, the browser's back button, and errors."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    Audit,
    answer_findings,
    fill_about_you,
    press_continue,
    radio,
    start,
    walk_to_body_map,
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
    page.get_by_role("group", name="Are you walking with a limp?").get_by_label("Yes").check()
    radio(page, "fever", "no").check()
    page.get_by_role("button", name="Back").click()
    expect(page).to_have_url(re.compile(r"/check/about_you/$"))
    expect(page.get_by_label("How old are you?")).to_have_value("35")
    expect(page.get_by_label("Male", exact=True)).to_be_checked()
    expect(page.get_by_label("How many weeks have you had this pain?")).to_have_value("10")

    press_continue(page)
    expect(page).to_have_url(re.compile(r"/check/warning_signs/$"))
    expect(radio(page, "limp", "yes")).to_be_checked()
    expect(radio(page, "fever", "no")).to_be_checked()
    expect(radio(page, "recent_trauma", "no")).not_to_be_checked()

    answer_findings(page, yes={"limp"})
    press_continue(page)
    page.get_by_role("checkbox", name="Buttock").check()
    press_continue(page)
    expect(page).to_have_url(re.compile(r"/check/the_pain/$"))

    # The browser's own back button shows the previous step with its answers.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/check/where_it_hurts/$"))
    expect(page.get_by_role("checkbox", name="Buttock")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Lower back")).not_to_be_checked()


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
    expect(page.get_by_label("How many weeks have you had this pain?")).to_have_value("3")
    audit(page, "about_you-error")

    link.click()
    expect(age).to_be_focused()
    age.fill("52")
    press_continue(page)
    # (The form posts to the page's own address, so the #fragment of the link may stay.)
    expect(page).to_have_url(re.compile(r"/check/warning_signs/(#.*)?$"))

    # Nothing answered: one error per question, each linked to its first radio.
    radio(page, "limp", "no").check()
    press_continue(page)
    expect(page).to_have_title(re.compile(r"^Error: Warning signs"))
    links = page.locator(".error-summary a")
    expect(links.first).to_have_text(re.compile(rf"^{SELECT_ANSWER}: Have you had a temperature"))
    expect(links.first).to_have_attribute("href", "#id_warning_signs-fever_0")
    fever = page.get_by_role("group", name=re.compile(r"^Have you had a temperature"))
    expect(fever).to_contain_text(f"Error: {SELECT_ANSWER}")
    expect(fever).to_have_attribute("aria-describedby", re.compile(r"_error"))
    limp = page.get_by_role("group", name="Are you walking with a limp?")
    expect(limp).not_to_contain_text(SELECT_ANSWER)
    expect(radio(page, "limp", "no")).to_be_checked()
    assert links.count() == page.locator(".question-group--error").count()
    audit(page, "warning_signs-error")
    audit.assert_no_violations()


def test_the_body_map_zones_tick_their_boxes_and_line_up_with_the_drawing(page: Page):
    walk_to_body_map(page)
    zones = page.locator("label.body-map__zone")
    assert zones.count() >= 5
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        seen: dict[str, int] = {}
        for index in range(zones.count()):
            zone = zones.nth(index)
            region = zone.get_attribute("data-region")
            position = seen.get(region, 0)
            seen[region] = position + 1
            box = zone.bounding_box()
            shape = page.locator(f"svg .r-{region}").nth(position).bounding_box()
            assert box is not None
            assert shape is not None
            # WCAG 2.2 SC 2.5.8: targets of at least 24 by 24 CSS pixels.
            assert box["width"] >= 24, (region, viewport, box)
            assert box["height"] >= 24, (region, viewport, box)
            # The zone sits on the shape it stands for.
            centre_x, centre_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            assert shape["x"] <= centre_x <= shape["x"] + shape["width"], (region, viewport)
            assert shape["y"] <= centre_y <= shape["y"] + shape["height"], (region, viewport)

            checkbox = page.locator(f'input[type="checkbox"][value="{region}"]')
            zone.click()
            expect(checkbox).to_be_checked()
            # The ticked place is drawn with a thick solid border, not by colour alone.
            shapes = page.locator(f"svg .r-{region}")
            for shape_index in range(shapes.count()):
                expect(shapes.nth(shape_index)).to_have_css("stroke-width", "4px")
            zone.click()
            expect(checkbox).not_to_be_checked()

    # The zones add no second name: each checkbox is named by its own label only.
    for name in ("Groin or front of the hip", "Outer side of the hip", "Buttock", "Lower back"):
        expect(page.get_by_role("checkbox", name=name, exact=True)).to_have_count(1)

    for checkbox in page.get_by_role("checkbox").all():
        checkbox.check()
    Audit("body_map").screenshot(page, "all-ticked", "desktop")
    for name in ("Groin or front of the hip", "Outer side of the hip", "Buttock", "Lower back"):
        page.get_by_role("checkbox", name=name, exact=True).uncheck()
    press_continue(page)
    expect(page).to_have_url(re.compile(r"/check/the_pain/$"))
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("checkbox", name="Knee or thigh", exact=True)).to_be_checked()
