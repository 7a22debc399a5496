"""How long the pain has lasted: a whole number and a unit, converted to the whole weeks the
engine takes, with one limit (the engine's and API's) and clear messages."""

import pytest

from conditions.engine.answers import MAX_DURATION_WEEKS
from questionnaire.forms import AboutYouForm


def about_you(value: str, unit: str = "weeks", **more: str) -> AboutYouForm:
    data = {"age": "40", "sex": "female", "side": "left", "duration": value, "duration_unit": unit}
    return AboutYouForm(data={**data, **more})


@pytest.mark.parametrize(
    ("value", "unit", "weeks"),
    [
        ("3", "days", 0),  # less than a week: 0 weeks, as "Enter 0 if less than a week" was
        ("6", "days", 0),
        ("7", "days", 1),
        ("6", "weeks", 6),
        ("4", "months", 17),  # 17.4 weeks: whole weeks completed
        ("3", "months", 13),
        ("1", "years", 52),
        ("2", "years", 104),
    ],
)
def test_a_number_and_a_unit_become_whole_weeks_completed(value, unit, weeks):
    form = about_you(value, unit)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["duration_weeks"] == weeks


def test_the_page_takes_the_engine_s_longest_duration():
    assert about_you(str(MAX_DURATION_WEEKS)).is_valid()


def test_one_week_more_is_refused_with_the_limit_named():
    form = about_you(str(MAX_DURATION_WEEKS + 1))
    assert not form.is_valid()
    assert form.errors["duration"] == [
        f"Enter a time of {MAX_DURATION_WEEKS} weeks (about 120 years) or less"
    ]


@pytest.mark.parametrize("typed", ["4 months", "about 3", "3.5", "two"])
def test_anything_but_a_whole_number_gets_a_clear_message_never_dropped(typed):
    form = about_you(typed)
    assert not form.is_valid()
    assert form.errors["duration"] == ["Enter how long as a whole number, like 3"]


def test_a_number_without_a_unit_asks_for_the_unit():
    form = about_you("4", "")
    assert not form.is_valid()
    assert form.errors["duration_unit"] == ["Select days, weeks, months or years"]


def test_not_sure_how_long_needs_no_number_and_refuses_one():
    unsure = about_you("", "", duration_unknown="on")
    assert unsure.is_valid()
    assert unsure.cleaned_data["duration_weeks"] is None
    both = about_you("4", "weeks", duration_unknown="on")
    assert not both.is_valid()
    assert "not both" in both.errors["duration"][0]
