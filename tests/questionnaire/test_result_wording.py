"""What the result page says (issue 14): only the conditions that fit, as the scoring policy's
data decides, reasons as statements, care cards without stray or ill-fitting lines."""

from __future__ import annotations

import copy
import html
import re

import pytest

from conditions import knowledge_file
from conditions.models import KnowledgeBaseVersion
from tests.questionnaire.kept import keep_result

pytestmark = pytest.mark.django_db

OUTER_HIP = {
    "age": 45,
    "sex": "female",
    "duration_weeks": 26,  # about 6 months
    "findings": {
        "pain_lateral_hip": True,
        "pain_groin": False,
        "pain_buttock": False,
        "pain_knee": False,
        "low_back_pain": False,
        "pain_worse_with_activity": True,
        "fever": False,
        "recent_trauma": False,
    },
}


def main_text(client) -> str:
    response = client.get("/result/")
    assert response.status_code == 200
    main = response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def listed(client) -> list[str]:
    page = client.get("/result/").content.decode()
    return [code for code in re.findall(r'<h3 id="condition-([a-z_]+)"', page) if code != "other"]


def test_months_of_outer_hip_pain_get_no_stray_or_ill_fitting_line(client, published):
    keep_result(client, OUTER_HIP)

    text = main_text(client)

    assert "Book an appointment with your doctor" in text
    assert "within 2 weeks" not in text  # the pain has lasted 6 months
    assert "the pain gets worse, or something new starts" in text
    assert "Something not on this list fits your answers" not in text
    assert "None of the listed conditions" not in text
    assert listed(client) == ["trochanteric_bursitis"]
    assert "Cancer affecting the hip" not in text
    assert "The pain is on the outer side of your hip" in text
    assert "Does it hurt on the outer side of your hip?" not in text  # a question, no statement


def test_recent_pain_is_told_to_come_back_if_not_better_within_2_weeks(client, published):
    keep_result(client, {**OUTER_HIP, "duration_weeks": 1})

    assert "the pain gets worse or is not better within 2 weeks" in main_text(client)


def test_which_conditions_are_listed_is_the_scoring_policys_data(
    client, published, seeded_document
):
    keep_result(client, {"age": 40, "sex": "male", "duration_weeks": 10, "findings": {}})
    everyone = listed(client)
    # A version whose "listed from" is 0 lists every condition of the kept ranking.
    document = copy.deepcopy(seeded_document)
    document["scoring"]["result_thresholds"]["fits_probability"] = 0.0
    KnowledgeBaseVersion.objects.create(number=2, document=document, note="lists all")
    client2 = client.__class__()
    keep_result(client2, {"age": 40, "sex": "male", "duration_weeks": 10, "findings": {}})

    assert len(listed(client2)) > len(everyone)


def test_nothing_fitting_clearly_says_so_in_one_line(client, published, seeded_document):
    document = copy.deepcopy(seeded_document)
    document["scoring"]["result_thresholds"]["fits_probability"] = 1.0
    document["scoring"]["result_thresholds"]["fits_well_probability"] = 1.0
    KnowledgeBaseVersion.objects.create(number=2, document=document, note="lists none")
    # Nothing on the list ahead of other causes: a young man with a strain-like pain.
    keep_result(client, {"age": 30, "sex": "male", "duration_weeks": 1, "findings": {}})

    text = main_text(client)

    if listed(client):
        pytest.fail("a condition ranked behind other causes is listed")
    assert text.count("Nothing on our list fits your answers clearly.") == 1
    assert "Something not on this list" in text


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"fits_probability": 0.5, "fits_well_probability": 0.4}, "below fits_probability"),
        ({"reason_likelihood_ratio": 0.5}, "is not a number of 1 or more"),
        ({"expert_estimate": False}, "has no source"),
    ],
)
def test_the_thresholds_are_validated_with_their_source(seeded_document, change, problem):
    document = copy.deepcopy(seeded_document)
    document["scoring"]["result_thresholds"].update(change)

    errors = knowledge_file.validate(document)

    assert any("result_thresholds" in error and problem in error for error in errors), errors


LIMPING_CHILD = {
    "age": 9,
    "sex": "male",
    "duration_weeks": 10,
    "findings": {
        "limp": True,
        "other_joints_swollen": True,
        "morning_stiffness_over_30min": True,
        "fever": False,
        "recent_trauma": False,
        "pain_knee": True,
    },
}


def test_a_child_s_reasons_speak_to_the_parent_about_the_child(client, published):
    from conditions.published import published_knowledge_base

    findings = published_knowledge_base().findings
    keep_result(client, LIMPING_CHILD)

    text = main_text(client)

    said = [
        code
        for code, answer in LIMPING_CHILD["findings"].items()
        if (findings[code].statement_yes if answer else findings[code].statement_no) in text
    ]
    for_child = [
        code
        for code, answer in LIMPING_CHILD["findings"].items()
        if (
            findings[code].statement_yes_for_child
            if answer
            else findings[code].statement_no_for_child
        )
        in text
    ]
    assert for_child, "no reason about the child on the result page"
    assert said == []  # no adult statement ("You are walking with a limp") for a child
    assert "What might be causing your child's pain" in text
    assert "only a professional who examines your child" in text


def test_an_adult_s_reasons_stay_addressed_to_them(client, published):
    keep_result(client, {**LIMPING_CHILD, "age": 30})

    text = main_text(client)
    assert "your child" not in text.lower()
    assert "What might be causing your pain" in text
