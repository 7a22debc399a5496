"""The questionnaire's step forms: field validation only, with messages that say what to do."""

from __future__ import annotations

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
NO_DURATION = _("Enter how many weeks, or tick \u201cI'm not sure how long\u201d")
BOTH_DURATIONS = _("Enter a number of weeks or tick \u201cI'm not sure how long\u201d, not both")


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
    """Age, sex and how long the pain has lasted: asked of everyone, first."""

    age = forms.IntegerField(
        label=_("How old are you?"),
        help_text=_("In whole years. If you are answering for a child, enter the child's age."),
        min_value=0,
        max_value=MAX_AGE,
        error_messages={
            "required": _("Enter your age in whole years"),
            "invalid": _("Enter your age as a whole number, like 42"),
            "min_value": _("Enter an age of 0 or more"),
            "max_value": _("Enter an age of %(limit_value)s or less"),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    sex = forms.ChoiceField(
        label=_("What is your sex?"),
        help_text=_("Some conditions are more common in women, others in men."),
        choices=[("female", _("Female")), ("male", _("Male"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select female or male")},
    )
    duration_weeks = forms.IntegerField(
        label=_("How many weeks have you had this pain?"),
        help_text=_("Enter 0 if it started less than a week ago."),
        required=False,
        min_value=0,
        max_value=MAX_DURATION_WEEKS,
        error_messages={
            "invalid": _("Enter the number of weeks as a whole number, like 3"),
            "min_value": _("Enter 0 weeks or more"),
            "max_value": _("Enter %(limit_value)s weeks or less"),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
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
        weeks = cleaned.get("duration_weeks")
        unknown = cleaned.get("duration_unknown")
        if "duration_weeks" not in self.errors:
            if weeks is None and not unknown:
                self.add_error("duration_weeks", NO_DURATION)
            elif weeks is not None and unknown:
                self.add_error("duration_weeks", BOTH_DURATIONS)
        return cleaned


class FindingsForm(QuestionForm):
    """One question per finding of a step: yes / no / not sure, or yes / no for warning signs
    people know from their own experience (triage-policy.md §3).

    A follow-up question (``Question.follow_up_for``) is shown under the question it follows up
    and must be answered only when that one is answered "not sure"; otherwise it is ignored.
    """

    def __init__(self, *args, questions: list[Question], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        asked = {question.code for question in questions}
        self.follow_ups = {
            question.code: question.follow_up_for
            for question in questions
            if question.follow_up_for in asked
        }
        for question in questions:
            message = SELECT_ANSWER if question.allows_not_sure else SELECT_YES_OR_NO
            field = forms.ChoiceField(
                label=question.text,
                help_text=question.help_text,
                choices=ANSWER_CHOICES if question.allows_not_sure else YES_NO_CHOICES,
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


class BodyMapForm(QuestionForm):
    """Where it hurts: one checkbox per place, drawn over a diagram of the hips, back and legs."""

    locations = forms.MultipleChoiceField(
        label=_("Where does it hurt?"),
        help_text=_("Select all that apply."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Select only the places shown")},
    )

    def __init__(self, *args, questions: list[Question], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields["locations"].choices = [(q.code, q.text) for q in questions]
        self.helper = crispy_helper()
