"""The result page for the five people of issue 14, on a 390 × 844 phone.

Each walks the questionnaire in Chromium and gets a result that lists only the conditions that
fit (ranked first ahead of other causes, or at the scoring policy's "listed from" or more) and
gives as reasons statements of what the person said ("You have had a red rash across your
cheeks"), never a question with "Yes" or "No". On the phone, the care card and the first
condition's name (on an emergency result, the folded list's summary) are above the fold, and the
page, with every condition's details folded, is at most 3 screens (scrollHeight / 844). Each
result is audited with axe-core and saved as full-page screenshots in test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
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

MAX_RESULT_SCREENS = 3
LIKELIHOOD_WORDS = {
    "Fits your answers well",
    "Fits your answers partly",
    "Fits your answers a little",
}


@dataclass(frozen=True)
class Person:
    case: str
    age: int
    sex: str
    weeks: int
    yes: frozenset[str]
    places: tuple[str, ...] = ()
    first: str = ""  # the condition expected first, when the result lists one
    emergency: bool = False
    never_listed: tuple[str, ...] = field(default=())


PEOPLE = [
    Person(
        "outer-hip-45",
        45,
        "Female",
        20,
        frozenset({"pain_worse_with_activity"}),
        places=("Outer side of the hip",),
        first="trochanteric_bursitis",
        # The padding the issue found: cancer at 0.04% under a routine card.
        never_listed=("malignancy",),
    ),
    Person(
        "cannot-stand",
        78,
        "Male",
        0,
        frozenset({"recent_trauma", "unable_to_bear_weight"}),
        first="hip_fracture",
        emergency=True,
    ),
    Person(
        "lupus-34",
        34,
        "Female",
        16,
        frozenset(
            {
                "malar_rash",
                "photosensitive_rash",
                "mouth_ulcers",
                "fatigue",
                "small_joints_hands_feet",
                "symmetric_joints",
                "raynaud",
            }
        ),
        places=("Groin or front of the hip",),
        first="systemic_lupus_erythematosus",
    ),
    Person(
        "limping-child-6",
        6,
        "Male",
        0,
        frozenset({"limp"}),
        places=("Groin or front of the hip",),
        first="transient_synovitis",
    ),
    Person(
        "back-pain-26",
        26,
        "Male",
        30,
        frozenset(
            {
                "pain_worse_with_rest",
                "pain_better_with_activity",
                "morning_stiffness_over_30min",
                "morning_stiffness_over_60min",
                "night_pain",
                "nsaid_response",
            }
        ),
        places=("Buttock", "Lower back"),
        first="ankylosing_spondylitis",
    ),
]


# Where it hurts is asked as yes / no questions, one per place (issue 16).
PLACES = {
    "Lower back": "low_back_pain",
    "Buttock": "pain_buttock",
    "Groin or front of the hip": "pain_groin",
    "Knee or thigh": "pain_knee",
    "Outer side of the hip": "pain_lateral_hip",
}


def walk(page: Page, person: Person) -> None:
    start(page)
    fill_about_you(page, age=person.age, sex=person.sex, weeks=person.weeks)
    press_continue(page)
    figures = WalkFigures(f"result-{person.case}")
    yes = {*person.yes, *(PLACES[place] for place in person.places)}
    answer_pages(page, figures, yes=yes)
    if not page.url.endswith("/result/"):
        page.get_by_role("button", name="See my result").click()
    expect(page).to_have_url(re.compile(r"/result/$"))


def kept_listing() -> tuple[list[tuple[str, float]], float, object]:
    """The kept assessment's ranking (code, probability), other causes and the thresholds of
    its version, read from the database."""
    from conditions.published import published_knowledge_base_version
    from questionnaire.models import CompletedAssessment

    kept = CompletedAssessment.objects.get()
    ranking = [(row["code"], row["probability"]) for row in kept.result["conditions"]]
    thresholds = published_knowledge_base_version(kept.knowledge_base_version).result_thresholds
    return ranking, kept.result["other_causes"], thresholds


def statements() -> set[str]:
    """Every statement a reason may be: each finding's for a yes and a no, for everyone and for a
    child, and the duration's."""
    from conditions.published import published_knowledge_base
    from questionnaire.wording import _DURATION_STATEMENTS, _DURATION_STATEMENTS_FOR_CHILD

    knowledge_base = published_knowledge_base()
    written = {
        text
        for finding in knowledge_base.findings.values()
        for text in (finding.statement_yes, finding.statement_no)
    }
    assert "" not in written, "every finding has its statements"
    for_child = {
        text
        for finding in knowledge_base.findings.values()
        for text in (finding.statement_yes_for_child, finding.statement_no_for_child)
        if text
    }
    durations = {*_DURATION_STATEMENTS.values(), *_DURATION_STATEMENTS_FOR_CHILD.values()}
    return written | for_child | {str(text) for text in durations}


def screens(page: Page) -> float:
    return phone_page_height(page) / PHONE["height"]


def bottom_at_phone_size(page: Page, locator) -> float:
    """Where ``locator`` ends, in CSS pixels from the top of the page, at phone size."""
    phone_page_height(page)  # resized and laid out at phone width
    page.evaluate("window.scrollTo(0, 0)")
    box = locator.bounding_box()
    assert box is not None
    return box["y"] + box["height"]


@pytest.mark.parametrize("person", PEOPLE, ids=[person.case for person in PEOPLE])
def test_each_person_gets_only_fitting_conditions_and_reasons_as_statements(
    page: Page, person: Person
):
    audit = Audit(f"result-{person.case}")
    page.set_viewport_size(PHONE)
    walk(page, person)
    main = page.locator("main")

    # The care card first; an emergency says to call 999 first, as a tap-to-call link.
    card = main.locator("section.care-card").first
    expect(main.locator("> *").first).to_have_class(re.compile(r"\bcare-card\b"))
    if person.emergency:
        call = card.get_by_role("link", name="Call 999")
        expect(call).to_have_attribute("href", "tel:999")
        card_text = card.inner_text()
        assert card_text.index("Call 999") < card_text.index("A&E")
        assert card_text.count("A&E") == 1, card_text
        main.locator("details.conditions-details > summary").click()

    # Only the conditions that fit, as the kept assessment ranks them.
    ranking, other_causes, thresholds = kept_listing()
    listed = main.locator("section.condition[aria-labelledby^='condition-']").evaluate_all(
        "sections => sections.map(s => s.getAttribute('aria-labelledby').slice(10))"
    )
    listed = [code for code in listed if code != "other"]
    probability = dict(ranking)
    for position, code in enumerate(listed):
        assert code == ranking[position][0], (listed, ranking)
        fits = probability[code] >= thresholds.fits_probability
        first_ahead = position == 0 and probability[code] >= other_causes
        assert fits or first_ahead, f"{code} at {probability[code]} does not fit"
    not_listed = [code for code, p in ranking[len(listed) :]]
    assert all(probability[code] < thresholds.fits_probability for code in not_listed)
    for code in person.never_listed:
        assert code not in listed
    if person.first:
        assert listed, "nothing listed"
        assert listed[0] == person.first, listed
    for words in main.locator("section.condition .likelihood").all_inner_texts():
        assert words in LIKELIHOOD_WORDS

    # Reasons are statements of what the person said, never a question and its answer.
    allowed = statements()
    for details in main.locator("details.condition__details").all():
        details.locator("summary").click()
    reasons = main.locator("ul.reasons li").all_inner_texts()
    assert reasons, "the conditions that fit give their reasons"
    for reason in reasons:
        assert reason in allowed, reason
        assert "?" not in reason
    first_reasons = main.locator("section.condition").first.locator("ul.reasons li")
    expect(first_reasons.first).to_be_visible()
    print(f"\n{person.case}: listed {listed}; reasons {reasons}")
    audit.screenshot(page, "result-details-open", "phone")

    # On the phone, with the details folded again: the card and the first condition's name above
    # the fold, and at most 3 screens.
    page.reload()
    page.set_viewport_size(PHONE)
    card_ends = bottom_at_phone_size(page, main.locator("section.care-card").first)
    if person.emergency:
        first_name = main.locator("details.conditions-details > summary")
    else:
        first_name = main.locator("section.condition h3").first
    name_ends = bottom_at_phone_size(page, first_name)
    length = screens(page)
    print(
        f"\n{person.case}: {len(listed)} conditions listed; care card ends at {card_ends:.0f} px, "
        f"first condition's name at {name_ends:.0f} px (fold {PHONE['height']}); "
        f"result {length:.2f} screens"
    )
    audit(page, "result")
    assert card_ends <= PHONE["height"], "the care card is not all above the fold"
    assert name_ends <= PHONE["height"], "the first condition's name is below the fold"
    audit.assert_no_violations()
    assert length <= MAX_RESULT_SCREENS
