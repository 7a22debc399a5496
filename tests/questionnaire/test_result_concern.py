"""Issue 13 on the pages: a result set by a red flag leads with its concern, and warning signs
left unanswered are named under the care card, on the result page and in the doctor's summary.

The result is kept and named in the session as the questionnaire's last step does it (the kept
assessment, the summary's lines), so these tests do not depend on how the steps ask their
questions.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client

from questionnaire.views import SESSION_ASSESSMENT_KEY, SESSION_RESULT_KEY
from tests.questionnaire.kept import keep_result

pytestmark = pytest.mark.django_db

CAUDA_EQUINA = "pressure on the nerves at the base of the spine (cauda equina syndrome)"
SEPTIC_ARTHRITIS_IN_A_CHILD = (
    "an infection in the hip joint or bone (septic arthritis or osteomyelitis)"
)
CAUDA_EQUINA_ANSWERS = {
    "age": 45,
    "sex": "female",
    "duration_weeks": 2,
    "findings": {"saddle_numbness_or_bladder_change": True, "pain_lateral_hip": True},
}
CHILD_WITH_FEVER_AND_LIMP = {
    "age": 6,
    "sex": "male",
    "duration_weeks": 0.3,
    "findings": {"fever": True, "limp": True},
}
NOT_SURE_OF_ANYTHING = {"age": 55, "sex": "female", "duration_weeks": 1, "findings": {}}


def with_result(client: Client, answers: dict[str, Any], **stored: Any) -> None:
    keep_result(client, answers, **stored)


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def main_html(document: str) -> str:
    """What is inside <main>."""
    return document.split('<main id="main"', 1)[1].split(">", 1)[1].split("</main>", 1)[0]


def main_text(document: str) -> str:
    """The text of <main>, tags removed and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", main_html(document)).split())


def position(text: str, needle: str) -> int:
    assert needle in text, needle
    return text.index(needle)


@pytest.mark.parametrize("url", ["/result/", "/result/summary/"])
def test_numbness_between_the_legs_leads_with_cauda_equina_before_any_condition(
    client, published, url
):
    with_result(client, CAUDA_EQUINA_ANSWERS)

    main = main_html(page(client, url))

    concern = position(main, f"These symptoms could be a sign of {CAUDA_EQUINA}.")
    assert position(main, "Call 999 now") < concern
    first_condition = position(main, '<section class="condition')
    assert concern < position(main, "Other things a doctor will consider") < first_condition
    assert "What might be causing your pain" not in main


def test_a_child_with_fever_and_a_limp_leads_with_septic_arthritis(client, published):
    with_result(client, CHILD_WITH_FEVER_AND_LIMP)

    main = main_html(page(client, "/result/"))

    concern = position(main, f"These symptoms could be a sign of {SEPTIC_ARTHRITIS_IN_A_CHILD}.")
    assert concern < position(main, "Other things a doctor will consider")
    assert concern < position(main, 'id="condition-transient_synovitis"')


def test_a_result_not_set_by_a_red_flag_keeps_its_heading_and_has_no_concern(client, published):
    with_result(client, NOT_SURE_OF_ANYTHING)

    text = main_text(page(client, "/result/"))

    assert "What might be causing your pain" in text
    assert "Other things a doctor will consider" not in text
    assert "could be a sign of" not in text


def test_unanswered_warning_signs_come_right_under_the_care_card_with_their_level(
    client, published
):
    with_result(client, NOT_SURE_OF_ANYTHING)

    document = page(client, "/result/")
    text = main_text(document)

    card = position(text, "Get medical help today")
    signs = position(text, "Warning signs you did not tell us about")
    assert card < signs < position(text, "What might be causing your pain")
    # The level each would bring, in words (and a hidden prefix, colour never the only cue).
    assert position(text, "Immediate action required: Call 999 now") > signs
    assert "If you have had a fall or injury and cannot stand or put weight on the leg" in text
    assert "You did not tell us:" in text
    assert "Have you had a fall, accident or injury to your hip in the last few weeks?" in text
    assert "Do you have numbness between your legs" in text
    # Nothing between the card and the warning signs.
    after_card = main_html(document).split("</section>", 1)[1]
    assert after_card.lstrip().startswith('<section class="unanswered-signs')


def test_unanswered_warning_signs_are_listed_for_the_doctor(client, published):
    with_result(client, NOT_SURE_OF_ANYTHING)

    text = main_text(page(client, "/result/summary/"))

    signs = position(text, "Warning signs not answered")
    assert signs < position(text, "Answers")
    assert position(text, "a broken hip") > signs
    assert position(text, "Call 999 now") > signs


def test_an_answered_emergency_names_no_unanswered_warning_sign(client, published):
    with_result(client, CAUDA_EQUINA_ANSWERS)

    for url in ("/result/", "/result/summary/"):
        text = main_text(page(client, url))
        assert "did not tell us" not in text
        assert "Warning signs not answered" not in text


def test_a_possible_broken_hip_is_not_said_to_fit_when_its_signs_are_unknown(client, published):
    with_result(client, NOT_SURE_OF_ANYTHING)

    text = main_text(page(client, "/result/"))

    assert "Broken hip (hip fracture) cannot be ruled out from your answers." in text
    assert "fits your answers." not in text.split("Warning signs")[0]


def test_the_summary_pdf_renders_with_the_concern(client, published):
    with_result(client, CAUDA_EQUINA_ANSWERS)

    response = client.get("/result/summary.pdf")

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


# --- old or odd session data must still render, never a server error -------------------------


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param({}, id="no lines"),
        pytest.param({"lines": None, "version_replaced": None}, id="lines null"),
        pytest.param({"lines": ["not a line", 3]}, id="lines that are not rows"),
        pytest.param(
            {
                "lines": [
                    {"step": "about_you", "question": "Age", "answer": "55"},
                    {"question": "Fever?", "answer": "Not sure", "old_key": True},
                ]
            },
            id="lines stored by an older version",
        ),
    ],
)
@pytest.mark.parametrize("url", ["/result/", "/result/summary/"])
def test_a_result_stored_before_this_change_still_renders(client, published, stored, url):
    with_result(client, NOT_SURE_OF_ANYTHING)
    session = client.session
    session[SESSION_RESULT_KEY] = stored
    session.save()

    assert "Warning signs" in main_text(page(client, url))


@pytest.mark.parametrize("url", ["/result/", "/result/summary/", "/result/summary.pdf"])
def test_a_result_stored_without_its_kept_assessment_starts_again(client, published, url):
    # The session of an older version of the app held the answers, not the kept assessment:
    # nothing says which assessment was decided, so the person starts again.
    session = client.session
    session[SESSION_RESULT_KEY] = {"answers": NOT_SURE_OF_ANYTHING, "lines": []}
    session.save()

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert SESSION_RESULT_KEY not in client.session


def test_a_deleted_kept_assessment_starts_again(client, published):
    kept = keep_result(client, NOT_SURE_OF_ANYTHING)
    kept.delete()  # the retention limit passed

    response = client.get("/result/")

    assert response["Location"] == "/"
    assert SESSION_ASSESSMENT_KEY not in client.session


def test_a_finding_the_explaining_version_no_longer_has_is_left_out(client, published):
    kept = keep_result(client, CAUDA_EQUINA_ANSWERS)
    kept.answers["findings"]["a_finding_since_removed"] = True
    kept.save()

    text = main_text(page(client, "/result/"))

    assert CAUDA_EQUINA in text


def test_answers_with_no_findings_at_all_render(client, published):
    with_result(client, {"age": 40, "sex": "male"})

    text = main_text(page(client, "/result/"))

    assert "Warning signs you did not tell us about" in text


def test_a_capped_condition_says_its_rules_words_once(client, published):
    # At 70, a fall with a confirmed "can stand on the leg": the injury rule's same-day level
    # stands in for a broken hip's emergency, and both reasons carry the rule's words.
    with_result(
        client,
        {
            "age": 70,
            "sex": "female",
            "duration_weeks": 0,
            "findings": {"recent_trauma": True, "unable_to_bear_weight": False},
        },
    )

    text = main_text(page(client, "/result/"))

    assert "Get medical help today" in text
    assert text.count("See a doctor today, even if you can walk.") == 1
    assert "These symptoms could be a sign of a broken hip that may not show at first." in text


def test_a_child_s_unanswered_warning_signs_are_asked_in_a_parent_s_words(client, published):
    with_result(client, {"age": 6, "sex": "male", "duration_weeks": 1, "findings": {}})

    for url in ("/result/", "/result/summary/"):
        text = main_text(page(client, url))
        assert "Has your child had a temperature of 38 °C or more in the last few days?" in text
        assert "Have you had a temperature" not in text
