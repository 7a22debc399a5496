"""A clinical vignette checks itself: answers well formed, codes in the published knowledge base,
each problem named by its field in a curator's words."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from bench.models import ClinicalVignette
from tests.factories import ClinicalVignetteFactory

pytestmark = pytest.mark.django_db


def problems_of(**fields) -> dict[str, list[str]]:
    vignette = ClinicalVignetteFactory.build(**fields)
    with pytest.raises(ValidationError) as raised:
        vignette.full_clean()
    return raised.value.message_dict


def test_a_well_formed_case_with_known_codes_is_valid(published):
    ClinicalVignetteFactory.build().full_clean()


def test_an_unknown_finding_is_named_with_the_published_version(published):
    answers = {"age": 29, "sex": "male", "duration_weeks": 60, "findings": {"feverish": True}}

    assert problems_of(answers=answers) == {
        "answers": ["Finding “feverish” is not in the published knowledge base (version 1)."]
    }


def test_each_bad_answer_is_named(published):
    answers = {"age": 130, "sex": "other", "duration_weeks": "long", "findings": {"fever": "yes"}}

    assert problems_of(answers=answers)["answers"] == [
        "Age: Enter an age between 0 and 120.",
        "Sex: Choose female or male.",
        "How long the pain has lasted (duration_weeks): Enter how many weeks, between 0 and "
        "6360, or leave it empty.",
        "Finding “fever”: answer true or false, or leave it out when not sure.",
    ]


def test_answers_that_are_not_an_object_are_refused_in_plain_words(published):
    assert problems_of(answers=[29, "male"]) == {
        "answers": ["The answers must be an object with age, sex, duration_weeks and findings."]
    }


def test_an_unknown_expected_condition_is_named(published):
    assert problems_of(expected_top="ankylosing_spondylosis") == {
        "expected_top": [
            "Condition “ankylosing_spondylosis” is not in the published knowledge base (version 1)."
        ]
    }


def test_other_causes_cannot_be_the_expected_condition(published):
    assert problems_of(expected_top="other_causes") == {
        "expected_top": ["“other_causes” is shown apart and never ranked: name a condition."]
    }


def test_acceptable_conditions_must_be_a_list_of_known_codes(published):
    assert problems_of(acceptable="psoriatic_arthritis") == {
        "acceptable": [
            'Give the other acceptable conditions as a list of codes, e.g. ["psoriatic_arthritis"],'
            " or [] for none."
        ]
    }
    assert problems_of(acceptable=["psoriatic_arthritis", "gout"]) == {
        "acceptable": ["Condition “gout” is not in the published knowledge base (version 1)."]
    }


def test_before_the_first_publish_only_the_shape_is_checked():
    ClinicalVignetteFactory.build(expected_top="a_future_condition").full_clean()

    assert problems_of(answers={"age": -1, "sex": "male"}) == {
        "answers": ["Age: Enter an age between 0 and 120."]
    }


def test_the_case_id_is_a_short_name(published):
    assert problems_of(code="dev 42!") == {
        "code": [
            "The case id may use letters, digits, hyphens, dots and underscores (at most 40 "
            "characters), e.g. dev-42."
        ]
    }


def test_an_unknown_urgency_is_refused(published):
    assert "expected_triage" in problems_of(expected_triage="asap")


def test_the_database_refuses_answers_that_are_not_an_object():
    with pytest.raises(IntegrityError, match="clinicalvignette_answers_is_an_object"):
        ClinicalVignetteFactory(answers=["not", "an", "object"])


def test_the_database_refuses_an_unknown_urgency():
    with pytest.raises(IntegrityError, match="clinicalvignette_expected_triage_is_a_level"):
        ClinicalVignetteFactory(expected_triage="asap")


def test_every_change_is_kept_in_the_history():
    vignette = ClinicalVignetteFactory(expected_triage="routine")
    vignette.expected_triage = "soon"
    vignette.save()

    assert [h.expected_triage for h in vignette.history.order_by("history_date")] == [
        "routine",
        "soon",
    ]


def test_only_active_vignettes_are_active():
    ClinicalVignetteFactory(code="kept")
    ClinicalVignetteFactory(code="retired", active=False)

    assert list(ClinicalVignette.objects.active().values_list("code", flat=True)) == ["kept"]
