"""The questionnaire's answers as the engine receives them: "not sure" is never "no"."""

from questionnaire.answers import answers_mapping
from questionnaire.steps import Question


def question(code: str, section: str) -> Question:
    return Question(code, code, "", section, 0, None, None)


QUESTIONS = (
    question("fever", "warning_signs"),
    question("limp", "warning_signs"),
    question("pain_groin", "where_it_hurts"),
    question("pain_knee", "where_it_hurts"),
)
ABOUT = {"age": 30, "sex": "female", "duration_weeks": None, "duration_unknown": True}


def test_not_sure_leaves_the_finding_out_while_yes_and_no_are_kept():
    answers = answers_mapping(
        {"about_you": ABOUT, "warning_signs": {"fever": "not_sure", "limp": "no"}}, QUESTIONS
    )
    assert answers["findings"] == {"limp": False}
    assert answers["duration_weeks"] is None


def test_places_ticked_on_the_body_map_are_present_and_the_others_absent():
    answers = answers_mapping(
        {"about_you": ABOUT, "where_it_hurts": {"locations": ["pain_knee"]}}, QUESTIONS
    )
    assert answers["findings"] == {"pain_groin": False, "pain_knee": True}


def test_a_body_map_left_empty_tells_the_engine_nothing():
    answers = answers_mapping({"about_you": ABOUT, "where_it_hurts": {"locations": []}}, QUESTIONS)
    assert answers["findings"] == {}
