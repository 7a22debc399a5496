"""S4: what is kept of a person is anonymous, deletable on request, expires, and never logged."""

from __future__ import annotations

import json
import logging
import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import models

from questionnaire.models import CompletedAssessment
from tests.production.helpers import Walk, post_step, walk_to_result

pytestmark = pytest.mark.django_db

KEPT_FIELDS = {"id", "completed_on", "knowledge_base_version", "answers", "result", "interrupted"}
IDENTIFYING_WORDS = ("ip", "address", "user", "agent", "name", "email", "mail", "phone", "note")
ADDRESS = "198.51.100.77"
USER_AGENT = "CanaryBrowser/9.9 (identifying)"


def test_a_completed_assessment_has_no_field_that_could_hold_an_identifier():
    fields = {field.name: field for field in CompletedAssessment._meta.get_fields()}
    assert set(fields) == KEPT_FIELDS
    for name, field in fields.items():
        assert not any(word in name.lower() for word in IDENTIFYING_WORDS), name
        assert not isinstance(
            field, models.CharField | models.TextField | models.GenericIPAddressField
        ), name
        assert not field.is_relation, name
    # The day, never the time: a time stamp could be matched against a server's access log.
    assert type(fields["completed_on"]) is models.DateField


def test_walking_the_questionnaire_keeps_one_anonymous_copy_of_the_answers(client, published):
    client.defaults.update(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=USER_AGENT)
    walk = walk_to_result(client, Walk(yes=frozenset({"pain_worse_with_activity"})))

    kept = CompletedAssessment.objects.get()
    assert kept.answers == walk.expected_answers()
    assert kept.knowledge_base_version == published.number
    assert kept.completed_on == date.today()
    assert kept.interrupted is False
    stored = json.dumps([kept.answers, kept.result])
    for identifier in (ADDRESS, USER_AGENT, client.session.session_key):
        assert identifier not in stored


def test_delete_my_answers_removes_the_kept_copy_and_the_session(client, published):
    walk_to_result(client)
    other_person = Walk(age=70)
    from django.test import Client

    walk_to_result(Client(), other_person)
    assert CompletedAssessment.objects.count() == 2
    page = client.get("/result/").content.decode()
    assert "Delete my answers and start again" in page

    response = client.post("/start-over/")

    assert response.status_code == 302
    assert CompletedAssessment.objects.count() == 1
    assert CompletedAssessment.objects.get().answers["age"] == 70  # only this person's copy
    assert client.get("/result/").status_code == 302  # nothing left to show


def test_start_over_by_get_deletes_nothing(client, published):
    walk_to_result(client)
    client.get("/start-over/")
    assert CompletedAssessment.objects.count() == 1


def kept_on(day: date) -> CompletedAssessment:
    return CompletedAssessment.objects.create(
        completed_on=day, knowledge_base_version=1, answers={}, result={}
    )


def test_assessments_older_than_the_retention_limit_are_deleted_and_newer_ones_kept(settings):
    settings.ASSESSMENT_RETENTION_DAYS = 90
    today = date.today()
    expired = [kept_on(today - timedelta(days=days)) for days in (91, 365)]
    kept = [kept_on(today - timedelta(days=days)) for days in (0, 89, 90)]

    call_command("delete_old_assessments", "--dry-run", stdout=(dry := _Output()))
    assert "2 assessments are older than 90 days" in dry.text
    assert CompletedAssessment.objects.count() == 5

    call_command("delete_old_assessments", stdout=(output := _Output()))

    assert "Deleted 2 assessments" in output.text
    remaining = set(CompletedAssessment.objects.values_list("id", flat=True))
    assert remaining == {assessment.id for assessment in kept}
    assert not remaining & {assessment.id for assessment in expired}


def test_the_retention_limit_can_be_given_on_the_command_line():
    today = date.today()
    kept_on(today - timedelta(days=8))
    recent = kept_on(today - timedelta(days=6))
    call_command("delete_old_assessments", "--days", "7", stdout=_Output())
    assert list(CompletedAssessment.objects.values_list("id", flat=True)) == [recent.id]


class _Output:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


# --- Logs -------------------------------------------------------------------------------------

# A refused age nobody else would log, and findings answered "yes" that only the answers name.
CANARY_AGE = "987654321"
CANARY_FINDINGS = frozenset({"morning_stiffness_over_60min", "pain_worse_with_rest", "fatigue"})


def record_texts(record: logging.LogRecord) -> list[str]:
    """Everything a handler could write of a record: message, arguments, every attribute."""
    texts = [record.getMessage(), repr(record.args)]
    for name, value in vars(record).items():
        texts.append(f"{name}={value!r}")
        if name == "request" and value is not None:
            texts.extend((repr(value.POST), repr(value.GET), repr(value.body)))
    if record.exc_info:
        texts.append(logging.Formatter().formatException(record.exc_info))
    return texts


def project_filters() -> list[logging.Filter]:
    """The filters of the handlers settings.LOGGING attaches to the root logger."""
    from symptomcheck.logging import DropRequestData

    filters = [
        log_filter
        for handler in logging.getLogger().handlers
        for log_filter in handler.filters
        if isinstance(log_filter, DropRequestData)
    ]
    assert filters, "settings.LOGGING no longer strips requests from log records"
    return filters


def test_logs_never_contain_answers_or_results(client, published, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, every level
    filters = project_filters()
    client.get("/check/", follow=True)
    refused = post_step(client, "about_you", {"age": CANARY_AGE, "sex": "male"}, follow=True)
    assert "Enter an age of 120 or less" in refused.content.decode()
    # Things that do log: a page that is not there, a form sent without its token.
    client.get("/conditions/no-such-condition/")
    from django.test import Client

    Client(enforce_csrf_checks=True).post(
        "/check/about_you/", {"about_you-age": CANARY_AGE, "about_you-sex": "male"}
    )
    walk = walk_to_result(client, Walk(age=44, yes=CANARY_FINDINGS))
    for path in ("/result/", "/result/summary/", "/result/summary.pdf"):
        assert client.get(path).status_code == 200

    kept = CompletedAssessment.objects.get()
    top_condition = kept.result["conditions"][0]["code"]
    canaries = {CANARY_AGE, *CANARY_FINDINGS, top_condition, str(kept.id)}
    # The interview asks what it needs: at least one canary was asked and answered yes.
    assert any(walk.findings.get(code) is True for code in CANARY_FINDINGS), walk.pages
    assert caplog.records, "nothing was logged: the test would prove nothing"
    # Django logs the 404 and the refused token with the request (and its POSTed answers) attached.
    assert any(hasattr(record, "request") for record in caplog.records)

    for record in caplog.records:
        for log_filter in filters:
            log_filter.filter(record)
        written = "\n".join(record_texts(record))
        for canary in canaries:
            assert canary not in written, f"{canary!r} logged by {record.name}: {written[:300]}"


# --- The privacy notice and the start page ----------------------------------------------------


def privacy_page(client) -> str:
    response = client.get("/privacy/")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_privacy_notice_states_the_periods_the_settings_enforce(client, settings):
    settings.ASSESSMENT_RETENTION_DAYS = 47
    settings.SESSION_COOKIE_AGE = 5 * 3600
    settings.CSRF_COOKIE_AGE = 14 * 24 * 3600
    settings.QUESTIONNAIRE_RATE_LIMIT = "120/m"
    settings.SUMMARY_PDF_RATE_LIMIT = "10/5m"

    page = privacy_page(client)

    assert "for 47 days to check and improve this tool" in page
    assert "deleted automatically after 47 days" in page
    assert "kept for 5 hours after your last answer" in page
    assert "for 5 minutes, and never with your answers" in page
    assert "After 5 hours" in page
    assert "After 14 days" in page
    assert "90 days" not in page
    assert "3 hours" not in page


def test_the_start_page_states_the_retention_period(client, settings):
    settings.ASSESSMENT_RETENTION_DAYS = 47
    page = re.sub(r"\s+", " ", client.get("/").content.decode())
    assert "anonymous copy of your answers and result for 47 days" in page
    assert 'href="/privacy/"' in page


def test_the_privacy_notice_names_who_runs_the_service(client, settings):
    settings.SERVICE_OPERATOR_NAME = "Example Hip Clinic Ltd"
    settings.SERVICE_OPERATOR_CONTACT = "privacy@hips.example.org"
    page = privacy_page(client)
    assert "This service is run by Example Hip Clinic Ltd." in page
    assert "contact: privacy@hips.example.org." in page
    assert "operator-unset" not in page


def test_an_operator_who_has_not_named_themselves_is_shown_plainly(client, settings):
    settings.SERVICE_OPERATOR_NAME = ""
    settings.SERVICE_OPERATOR_CONTACT = ""
    page = privacy_page(client)
    assert "The organisation running this service has not yet given its name." in page
    assert "SERVICE_OPERATOR_NAME" in page
    assert "SERVICE_OPERATOR_CONTACT" in page
    assert "This service is run by" not in page


def test_the_privacy_notice_gives_the_lawful_basis_and_the_rights(client):
    page = privacy_page(client)
    for heading in (
        "Who runs this service",
        "Why we may use your answers (lawful basis)",
        "Your rights",
        "Cookies",
    ):
        assert f">{heading}</h2>" in page
    for words in ("Article 9(2)(a)", "Article 6(1)(f)", "legitimate interest", "ico.org.uk"):
        assert words in page


def test_every_cookie_the_questionnaire_sets_is_named_with_its_lifetime(
    client, published, settings
):
    settings.SESSION_COOKIE_NAME = "hips_session"  # the page reads the names from the settings
    walk_to_result(client)
    assert client.get("/result/summary/").status_code == 200
    set_cookies = {name for name, morsel in client.cookies.items() if morsel.value}

    assert set_cookies == {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    page = privacy_page(client)
    assert "This site sets two cookies" in page
    rows = re.findall(r"<tr> <td><code>([^<]+)</code></td> <td>[^<]+</td> <td>([^<]+)</td>", page)
    assert {name for name, _expires in rows} == set_cookies
    lifetimes = dict(rows)
    assert lifetimes["hips_session"] == f"After {settings.SESSION_COOKIE_AGE // 3600} hours"
    assert lifetimes[settings.CSRF_COOKIE_NAME] == (
        f"After {round(settings.CSRF_COOKIE_AGE / 86400)} days"
    )
