"""stored_findings reads a page's stored answers exactly as FindingsForm would clean them."""

from __future__ import annotations

import itertools

from django.utils.datastructures import MultiValueDict

from questionnaire.forms import FindingsForm, findings_form_needed, stored_findings
from tests.factories import QuestionFactory

PREFIX = "questions_3"
QUESTIONS = [
    QuestionFactory(code="night_pain"),
    QuestionFactory(code="recent_trauma", allows_not_sure=False),
]
VALUES = [None, "yes", "no", "not_sure", "", "maybe", ["yes", "no"], ["no", "not_sure"]]


def stored(night_pain, recent_trauma) -> MultiValueDict:
    data = MultiValueDict()
    for code, value in (("night_pain", night_pain), ("recent_trauma", recent_trauma)):
        if value is None:
            continue
        data.setlist(f"{PREFIX}-{code}", value if isinstance(value, list) else [value])
    return data


def test_it_agrees_with_the_form_on_every_combination_of_stored_values():
    for night_pain, recent_trauma in itertools.product(VALUES, VALUES):
        data = stored(night_pain, recent_trauma)
        form = FindingsForm(data=data, prefix=PREFIX, questions=QUESTIONS)
        expected = form.cleaned_data if form.is_valid() else None
        assert stored_findings(data, PREFIX, QUESTIONS) == expected, (night_pain, recent_trauma)


def test_a_page_with_a_question_and_its_follow_up_is_left_to_the_form():
    follow_up = QuestionFactory(code="feels_hot_or_shivery", follow_up_for="fever")
    assert findings_form_needed([QuestionFactory(code="fever"), follow_up])
    assert not findings_form_needed([follow_up])
    assert not findings_form_needed(QUESTIONS)
