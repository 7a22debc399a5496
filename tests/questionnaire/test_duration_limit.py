"""One limit for how long the pain has lasted: the page accepts what the engine and API accept."""

from conditions.engine.answers import MAX_DURATION_WEEKS
from questionnaire.forms import AboutYouForm


def about_you(weeks: int) -> AboutYouForm:
    return AboutYouForm(data={"age": "40", "sex": "female", "duration_weeks": str(weeks)})


def test_the_page_takes_the_engine_s_longest_duration():
    assert about_you(MAX_DURATION_WEEKS).is_valid()


def test_one_week_more_is_refused_with_the_limit_named():
    form = about_you(MAX_DURATION_WEEKS + 1)
    assert not form.is_valid()
    assert form.errors["duration_weeks"] == [f"Enter {MAX_DURATION_WEEKS} weeks or less"]
