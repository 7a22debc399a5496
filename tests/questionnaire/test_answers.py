"""The questionnaire's answers as the engine receives them: "not sure" is never "no"; the side
and the duration as given are kept beside them for the doctor, and never scored."""

from questionnaire.answers import answer_lines, answers_mapping, engine_mapping
from tests.factories import QuestionFactory

QUESTIONS = {
    code: QuestionFactory(code=code, text=code, section=section)
    for code, section in (
        ("fever", "warning_signs"),
        ("limp", "warning_signs"),
        ("pain_groin", "where_it_hurts"),
    )
}
ABOUT = {
    "age": 30,
    "sex": "female",
    "side": "left",
    "duration": None,
    "duration_unit": "",
    "duration_weeks": None,
    "duration_unknown": True,
}
FOUR_MONTHS = {
    **ABOUT,
    "duration": 4,
    "duration_unit": "months",
    "duration_weeks": 17,
    "duration_unknown": False,
}


def test_not_sure_leaves_the_finding_out_while_yes_and_no_are_kept():
    answers = answers_mapping(
        {"about_you": ABOUT, "questions_1": {"fever": "not_sure", "limp": "no"}}
    )
    assert answers["findings"] == {"limp": False}
    assert answers["duration_weeks"] is None
    assert answers["duration"] is None


def test_the_side_and_the_duration_as_given_are_kept_but_not_sent_to_the_engine():
    answers = answers_mapping({"about_you": FOUR_MONTHS, "questions_1": {"pain_groin": "yes"}})
    assert answers["side"] == "left"
    assert answers["duration"] == {"value": 4, "unit": "months"}
    assert answers["duration_weeks"] == 17
    assert engine_mapping(answers) == {
        "age": 30,
        "sex": "female",
        "duration_weeks": 17,
        "findings": {"pain_groin": True},
    }


def test_the_answer_lines_show_the_side_and_the_duration_as_typed():
    lines = answer_lines(
        {"about_you": FOUR_MONTHS, "questions_2": {"pain_groin": "yes"}}, QUESTIONS
    )
    shown = {line.question: line.answer for line in lines}
    assert shown["Which side hurts"] == "Left"
    assert shown["How long the pain has lasted"] == "4 months"
    groin = next(line for line in lines if line.question == "pain_groin")
    assert (groin.step, groin.page) == ("where_it_hurts", "questions_2")
