"""Too many questionnaire submissions from one address get a clear page, not an error."""

import pytest
from django.core.cache import cache

from tests.questionnaire.kept import keep_result
from tests.questionnaire.test_flow import about_you


class StoppedClock:
    """django-ratelimit's clock, stopped: every request of a test counts in one window. Its
    windows end at a per-key second of the minute, and a PDF takes a second or two to render,
    so on the wall clock two requests could fall on either side of an end and both pass."""

    @staticmethod
    def time() -> float:
        return 1_800_000_000.0


@pytest.fixture(autouse=True)
def stopped_clock(monkeypatch):
    monkeypatch.setattr("django_ratelimit.core.time", StoppedClock)


@pytest.mark.django_db
def test_too_many_submissions_get_a_calm_page_that_keeps_the_answers(
    client, published, post_step, settings
):
    settings.RATELIMIT_ENABLE = True
    settings.QUESTIONNAIRE_RATE_LIMIT = "3/m"
    cache.clear()
    for _ in range(3):
        assert post_step("about_you", about_you(age=40, sex="male", weeks="2"))
    response = post_step("about_you", about_you(age=41, sex="male", weeks="2"))
    page = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Please wait a moment" in page
    assert "Your answers so far are kept" in page
    # What was entered before the limit is still there.
    settings.RATELIMIT_ENABLE = False
    assert 'value="40"' in client.get("/check/about_you/").content.decode()


@pytest.mark.django_db
def test_too_many_pdf_summaries_get_the_calm_page(client, published, post_step, settings):
    keep_result(client, {"age": 40, "sex": "male"})
    settings.RATELIMIT_ENABLE = True
    settings.SUMMARY_PDF_RATE_LIMIT = "1/m"
    cache.clear()

    first = client.get("/result/summary.pdf")
    second = client.get("/result/summary.pdf")

    assert first.status_code == 200
    assert first.content.startswith(b"%PDF")
    assert second.status_code == 429
    assert "Please wait a moment" in second.content.decode()
