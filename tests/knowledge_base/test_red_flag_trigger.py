"""A red-flag rule must name a finding answered yes (or an "any of" group), checked at commit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from conditions.models import RedFlagRule, Requirement
from tests.factories import FindingFactory, RedFlagCriterionFactory, RedFlagRuleFactory
from tests.knowledge_base.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def check_deferred_constraints_now() -> None:
    """Run the checks PostgreSQL defers to commit (a test transaction never commits).

    Deferral is switched back on afterwards, so later statements behave as in a real transaction.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def checked_at_commit(change: Callable[[], object]) -> None:
    """Make the change in its own transaction and run the checks a commit would run.

    The change is rolled back with the transaction when a check fails, so the test database is
    left consistent (Django's test teardown runs the deferred checks too).
    """
    with transaction.atomic():
        change()
        check_deferred_constraints_now()


def test_a_rule_without_findings_is_refused_at_commit():
    with pytest.raises(IntegrityError, match="names no finding"):
        checked_at_commit(lambda: RedFlagRuleFactory(present_finding=None))


def test_a_rule_whose_findings_must_all_be_absent_is_refused():
    def rule_of_absent_findings():
        rule = RedFlagRuleFactory(present_finding=None)
        RedFlagCriterionFactory(rule=rule, requirement=Requirement.ABSENT)

    with pytest.raises(IntegrityError, match="names no finding"):
        checked_at_commit(rule_of_absent_findings)


def test_a_rule_with_an_any_of_group_is_accepted():
    rule = RedFlagRuleFactory(present_finding=None)
    RedFlagCriterionFactory(rule=rule, requirement=Requirement.ANY_OF)
    RedFlagCriterionFactory(rule=rule, requirement=Requirement.ABSENT)

    check_deferred_constraints_now()

    assert rule.criteria.count() == 2


def test_the_rule_may_be_saved_before_its_findings_within_one_transaction():
    with transaction.atomic():
        rule = RedFlagRuleFactory(present_finding=None)
        RedFlagCriterionFactory(rule=rule, requirement=Requirement.PRESENT)
    check_deferred_constraints_now()


def test_removing_the_last_finding_answered_yes_is_refused():
    rule = RedFlagRuleFactory()
    check_deferred_constraints_now()
    with pytest.raises(IntegrityError, match="names no finding"):
        checked_at_commit(lambda: rule.criteria.get().delete())


def test_turning_the_last_yes_finding_into_a_no_is_refused():
    rule = RedFlagRuleFactory()
    check_deferred_constraints_now()
    with pytest.raises(IntegrityError, match="names no finding"):
        checked_at_commit(lambda: rule.criteria.update(requirement=Requirement.ABSENT))


def test_deleting_a_whole_rule_is_allowed():
    rule = RedFlagRuleFactory()
    check_deferred_constraints_now()

    rule.delete()
    check_deferred_constraints_now()

    assert not RedFlagRule.objects.exists()


def test_the_admin_explains_that_a_rule_needs_a_finding_answered_yes(admin_client):
    rule = RedFlagRuleFactory()
    url = reverse("admin:conditions_redflagrule_change", args=[rule.pk])
    form = change_form_data(admin_client.get(url))
    form["criteria-0-requirement"] = Requirement.ABSENT

    response = admin_client.post(url, form)

    assert response.status_code == 200
    assert "Name at least one finding that must be answered yes" in response.content.decode()
    assert rule.criteria.get().requirement == Requirement.PRESENT


def test_the_admin_adds_a_rule_with_its_findings(admin_client):
    finding = FindingFactory()
    url = reverse("admin:conditions_redflagrule_add")
    form = change_form_data(admin_client.get(url))
    form.update(
        {
            "code": "fever_and_limp",
            "name": "Possible infection in a child",
            "urgency": "emergency",
            "concern": "an infection in the hip joint",
            "message": "Go to an emergency department now.",
            "if_unanswered": "If your child has a temperature and a limp, go to A&E now.",
            "reason": "Fever and limp in a child.",
            "expert_estimate": "on",
            "criteria-0-finding": str(finding.pk),
            "criteria-0-requirement": Requirement.PRESENT,
        }
    )

    response = admin_client.post(url, form)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert RedFlagRule.objects.get(code="fever_and_limp").criteria.get().finding == finding
    check_deferred_constraints_now()
