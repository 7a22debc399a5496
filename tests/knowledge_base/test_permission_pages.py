"""A refused permission is the project's own page, saying who may do it, not a bare "403
Forbidden": in the admin's layout within the admin, in the site's layout elsewhere."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from symptomcheck.errors import permission_denied

pytestmark = pytest.mark.django_db


def test_a_curator_opening_the_publish_page_is_told_who_may_publish(curator_client, loaded):
    response = curator_client.get(reverse("admin:conditions_knowledgebaseversion_publish"))

    assert response.status_code == 403
    text = response.content.decode()
    assert (
        "Only a reviewer can publish the knowledge base; ask a member of the Reviewers group."
        in text
    )
    assert "<h1>You cannot do this</h1>" in text
    # The admin's own layout: its header and the way back to the admin's home page.
    assert 'id="site-name"' in text
    assert reverse("admin:index") in text
    assert "403 Forbidden" not in text


def test_a_refusal_with_no_message_explains_the_roles(curator_client):
    response = curator_client.get(reverse("admin:conditions_knowledgebaseversion_changelist"))

    assert response.status_code == 403
    text = " ".join(response.content.decode().split())
    assert "Curators (group Curators) edit the drafts of the knowledge base" in text
    assert "reviewers (group Reviewers) also see and publish versions" in text


def test_outside_the_admin_the_page_has_the_sites_layout(rf: RequestFactory):
    request = rf.get("/somewhere/")

    response = permission_denied(request, PermissionDenied("You cannot see this summary."))

    assert response.status_code == 403
    text = response.content.decode()
    assert "<h1>You cannot open this page</h1>" in text
    assert "You cannot see this summary." in text
    assert "Symptomcheck: hip pain" in text  # the site's header
