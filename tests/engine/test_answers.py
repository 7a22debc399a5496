import pytest

from conditions.engine import Answers, AnswersError, Sex, answers_from_mapping

from .kb_documents import knowledge_base


def errors_of(mapping, **kwargs):
    with pytest.raises(AnswersError) as raised:
        answers_from_mapping(mapping, **kwargs)
    return raised.value.errors


def test_vignette_answers_become_answers():
    built = answers_from_mapping(
        {"age": 28, "sex": "male", "duration_weeks": 20, "findings": {"fever": False}}
    )
    assert built == Answers(age=28, sex=Sex.MALE, duration_weeks=20, findings={"fever": False})


def test_missing_duration_and_findings_are_unknown():
    built = answers_from_mapping({"age": 28, "sex": "female"})
    assert built.duration_weeks is None
    assert dict(built.findings) == {}


def test_a_finding_answered_none_is_left_out_as_unknown():
    built = answers_from_mapping({"age": 28, "sex": "female", "findings": {"fever": None}})
    assert "fever" not in built.findings


def test_age_outside_0_to_120_is_an_error_on_the_age_field():
    assert errors_of({"age": 121, "sex": "female"}) == {"age": "Enter an age between 0 and 120"}
    assert "age" in errors_of({"age": -1, "sex": "female"})


def test_age_that_is_not_a_whole_number_is_an_error():
    assert "age" in errors_of({"age": "forty", "sex": "female"})
    assert "age" in errors_of({"age": 40.5, "sex": "female"})
    assert "age" in errors_of({"age": True, "sex": "female"})


def test_missing_age_is_an_error():
    assert "age" in errors_of({"sex": "female"})


def test_unknown_sex_is_an_error_on_the_sex_field():
    assert set(errors_of({"age": 40, "sex": "other"})) == {"sex"}


def test_negative_or_non_numeric_duration_is_an_error():
    assert set(errors_of({"age": 40, "sex": "male", "duration_weeks": -1})) == {"duration_weeks"}
    assert set(errors_of({"age": 40, "sex": "male", "duration_weeks": "2"})) == {"duration_weeks"}
    assert set(errors_of({"age": 40, "sex": "male", "duration_weeks": float("nan")})) == {
        "duration_weeks"
    }


def test_a_finding_answered_with_something_other_than_true_or_false_is_an_error():
    errors = errors_of({"age": 40, "sex": "male", "findings": {"fever": "yes", "limp": 1}})
    assert set(errors) == {"findings.fever", "findings.limp"}


def test_findings_that_are_not_an_object_are_an_error():
    assert set(errors_of({"age": 40, "sex": "male", "findings": ["fever"]})) == {"findings"}


def test_unknown_finding_code_is_an_error_only_against_a_knowledge_base():
    mapping = {"age": 40, "sex": "male", "findings": {"third_eye": True}}
    assert answers_from_mapping(mapping).findings == {"third_eye": True}
    assert errors_of(mapping, knowledge_base=knowledge_base()) == {
        "findings.third_eye": "Unknown finding"
    }


def test_every_problem_is_reported_at_once():
    errors = errors_of({"age": 400, "sex": "x", "duration_weeks": -3, "colour": "red"})
    assert set(errors) == {"age", "sex", "duration_weeks", "colour"}


def test_answers_that_are_not_a_mapping_are_an_error():
    assert set(errors_of(None)) == {"answers"}


def test_answers_cannot_be_changed_through_the_original_findings():
    findings = {"fever": True}
    built = Answers(age=40, sex=Sex.FEMALE, duration_weeks=None, findings=findings)
    findings["fever"] = False
    assert built.findings["fever"] is True
    with pytest.raises(TypeError):
        built.findings["fever"] = False


def test_answers_built_directly_are_validated_too():
    with pytest.raises(AnswersError) as raised:
        Answers(age=200, sex="female", duration_weeks=None, findings={"fever": "yes"})
    assert set(raised.value.errors) == {"age", "findings.fever"}


def test_sex_given_as_a_string_becomes_the_enum():
    assert Answers(age=40, sex="male", duration_weeks=None).sex is Sex.MALE
