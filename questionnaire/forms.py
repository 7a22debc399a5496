"""The questionnaire's step forms: field validation only, with messages that say what to do."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from conditions.engine.answers import MAX_AGE, MAX_DURATION_WEEKS
from questionnaire.steps import Question

YES, NO, NOT_SURE = "yes", "no", "not_sure"
YES_NO_NOT_SURE = [(YES, _("Yes")), (NO, _("No")), (NOT_SURE, _("Not sure"))]


class YesNoNotSureChoices(BaseChoiceIterator):
    """The three answers of every question, as one choices object shared by all the fields.

    Django takes a choice iterator as already normalised, where it would normalise a list again
    for every field of every form: building a step's fields costs half as much.
    """

    def __iter__(self):
        return iter(YES_NO_NOT_SURE)


class YesNoChoices(BaseChoiceIterator):
    """Yes / no only: for warning signs people know from their own experience."""

    def __iter__(self):
        return iter(YES_NO_NOT_SURE[:2])


ANSWER_CHOICES = YesNoNotSureChoices()
YES_NO_CHOICES = YesNoChoices()
SELECT_YES_OR_NO = _("Select yes or no")
SELECT_ANSWER = _("Select yes, no or not sure")
PARENT_NOTE = _("If you are answering for a child, answer each question about the child.")
NO_DURATION = _("Enter how long you have had this pain, or tick \u201cI'm not sure how long\u201d")
BOTH_DURATIONS = _("Enter how long or tick \u201cI'm not sure how long\u201d, not both")
NO_UNIT = _("Select days, weeks, months or years")
TOO_LONG = _("Enter a time of %(weeks)s weeks (about %(years)s years) or less")

# How long is given as a whole number and a unit, and converted to the whole weeks completed
# (as an age is given in years completed): 3 days → 0 weeks, 4 months → 17 weeks (17.4),
# 1 year → 52 weeks. A month is a twelfth of a year of 365.25 days.
DAYS_PER_UNIT = {"days": 1.0, "weeks": 7.0, "months": 365.25 / 12, "years": 365.25}
DURATION_UNITS = [
    ("days", _("Days")),
    ("weeks", _("Weeks")),
    ("months", _("Months")),
    ("years", _("Years")),
]
UNIT_WORDS = {
    "days": (_("day"), _("days")),
    "weeks": (_("week"), _("weeks")),
    "months": (_("month"), _("months")),
    "years": (_("year"), _("years")),
}
SIDES = [
    ("left", _("Left")),
    ("right", _("Right")),
    ("both", _("Both")),
    (NOT_SURE, _("Not sure")),
]


def weeks_of(value: int, unit: str) -> int:
    """Whole weeks completed in ``value`` ``unit`` (the engine takes weeks)."""
    return int(value * DAYS_PER_UNIT[unit] // 7)


def duration_as_given(value: int, unit: str) -> str:
    """The duration as the person gave it: "4 months", "1 week"."""
    one, many = UNIT_WORDS.get(unit, (unit, unit))
    return f"{value} {one if value == 1 else many}"


def numeric_input() -> forms.TextInput:
    # A text box, not <input type="number">: the browser would silently empty "4 months" or
    # "about 3", which must reach the server and get a clear message (GOV.UK's advice).
    return forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
    )


def crispy_helper() -> FormHelper:
    """A helper that lets the template draw the <form> tag and buttons.

    Each field is drawn by our own field template, in the order shared/ux.md asks (question,
    hint, error with a hidden "Error:" prefix, then the answers with an "or" before "Not
    sure"), which crispy-bootstrap5's own field template does not follow.
    """
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.field_template = "questionnaire/_field.html"
    return helper


class QuestionForm(forms.Form):
    """A step's form: validated on the server only, never by the browser (shared/ux.md §2)."""

    use_required_attribute = False


class AboutYouForm(QuestionForm):
    """Age, sex, which side and how long the pain has lasted: asked of everyone, first. The page
    tells a parent to answer about the child (``PARENT_NOTE``), so the questions read for both."""

    age = forms.IntegerField(
        label=_("How old are you?"),
        help_text=_("In whole years."),
        min_value=0,
        max_value=MAX_AGE,
        error_messages={
            "required": _("Enter your age in whole years"),
            "invalid": _("Enter your age as a whole number, like 42"),
            "min_value": _("Enter an age of 0 or more"),
            "max_value": _("Enter an age of %(limit_value)s or less"),
        },
        widget=numeric_input(),
    )
    sex = forms.ChoiceField(
        label=_("What is your sex?"),
        help_text=_("Some conditions are more common in women, others in men."),
        choices=[("female", _("Female")), ("male", _("Male"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select female or male")},
    )
    side = forms.ChoiceField(
        label=_("Which side hurts?"),
        choices=SIDES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select left, right, both or not sure")},
    )
    duration = forms.IntegerField(
        label=_("How long have you had this pain?"),
        help_text=_("A whole number, then days, weeks, months or years."),
        required=False,
        min_value=0,
        error_messages={
            "invalid": _("Enter how long as a whole number, like 3"),
            "min_value": _("Enter 0 or more"),
        },
        widget=numeric_input(),
    )
    duration_unit = forms.ChoiceField(
        label=_("Days, weeks, months or years?"),
        required=False,
        choices=DURATION_UNITS,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": NO_UNIT},
    )
    duration_unknown = forms.BooleanField(
        label=_("I'm not sure how long"),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()

    def clean(self) -> dict:
        cleaned = super().clean()
        value = cleaned.get("duration")
        unit = cleaned.get("duration_unit")
        unknown = cleaned.get("duration_unknown")
        cleaned["duration_weeks"] = None
        if "duration" in self.errors:
            return cleaned
        if value is None and not unknown:
            self.add_error("duration", NO_DURATION)
        elif value is not None and unknown:
            self.add_error("duration", BOTH_DURATIONS)
        elif value is not None and not unit:
            if "duration_unit" not in self.errors:
                self.add_error("duration_unit", NO_UNIT)
        elif value is not None:
            weeks = weeks_of(value, unit)
            if weeks > MAX_DURATION_WEEKS:
                self.add_error(
                    "duration", TOO_LONG % {"weeks": MAX_DURATION_WEEKS, "years": MAX_AGE}
                )
            else:
                cleaned["duration_weeks"] = weeks
        return cleaned


class FindingsForm(QuestionForm):
    """One question per finding of a step: yes / no / not sure, or yes / no for warning signs
    people know from their own experience (triage-policy.md §3).

    A follow-up question (``Question.follow_up_for``) on the same page is shown under the question
    it follows up and must be answered only when that one is answered "not sure"; otherwise it is
    ignored. (The adaptive pages ask a follow-up on a page of its own, after the "not sure".)
    """

    def __init__(self, *args, questions: list[Question], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.follow_ups = follow_ups_on_page(questions)
        for question in questions:
            message = SELECT_ANSWER if question.allows_not_sure else SELECT_YES_OR_NO
            field = forms.ChoiceField(
                label=question.text,
                help_text=question.help_text,
                choices=answer_choices(question),
                widget=forms.RadioSelect,
                # A follow-up is required only when its question is answered "not sure" (clean).
                required=question.code not in self.follow_ups,
                error_messages={
                    # The error summary names the question beside this message.
                    "required": message,
                    "invalid_choice": message,
                },
            )
            if question.code in self.follow_ups:
                # Read by the field template: drawn as a conditional question under its parent.
                field.follows_up = self.add_prefix(self.follow_ups[question.code])
            self.fields[question.code] = field
        self.helper = crispy_helper()

    def clean(self) -> dict:
        cleaned = super().clean()
        for follow_up, asked in self.follow_ups.items():
            if cleaned.get(asked) != NOT_SURE:
                cleaned[follow_up] = ""  # not asked: the answer above is known
            elif not cleaned.get(follow_up) and follow_up not in self.errors:
                self.add_error(follow_up, SELECT_ANSWER)
        return cleaned


def stored_findings(
    data: Mapping[str, Any], prefix: str, questions: list[Question]
) -> dict[str, str] | None:
    """What ``FindingsForm(data=data, prefix=prefix, questions=questions)`` would clean, or None
    when it would not validate, without building the form: planning the adaptive pages reads
    every answered page on every request. A page with a question and its follow-up is left to
    the form (None here means "ask the form"; see ``findings_form_needed``)."""
    cleaned: dict[str, str] = {}
    for question in questions:
        values = data.get(f"{prefix}-{question.code}")
        value = values[-1] if isinstance(values, list) and values else values
        if value not in {answer for answer, _label in answer_choices(question)}:
            return None
        cleaned[question.code] = value
    return cleaned


def findings_form_needed(questions: list[Question]) -> bool:
    """Whether a page asks a question with its follow-up (only the form handles that)."""
    return bool(follow_ups_on_page(questions))


def answer_choices(question: Question) -> BaseChoiceIterator:
    """The answers a question takes: yes / no / not sure, or yes / no for a warning sign people
    know from their own experience."""
    return ANSWER_CHOICES if question.allows_not_sure else YES_NO_CHOICES


def follow_ups_on_page(questions: list[Question]) -> dict[str, str]:
    """Follow-up code → the question it follows up, for each follow-up asked with its question."""
    asked = {question.code for question in questions}
    return {
        question.code: question.follow_up_for
        for question in questions
        if question.follow_up_for in asked
    }
