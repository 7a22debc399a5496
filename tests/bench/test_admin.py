"""The bench in the admin: curators and reviewers keep the vignettes, see the published result
beside what is expected, import a vignette file (preview, then confirm) and export one."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bench.models import ClinicalVignette
from tests.bench.conftest import vignette_from_case
from tests.factories import ClinicalVignetteFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:bench_clinicalvignette_changelist")
IMPORT = reverse("admin:bench_clinicalvignette_import_json")


def upload(client, cases, name: str = "cases.json"):
    content = cases if isinstance(cases, bytes) else json.dumps(cases).encode()
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def confirm(client, response):
    return client.post(IMPORT, {"confirm": "1", "digest": response.context["digest"]})


@pytest.mark.parametrize("group", ["Curators", "Reviewers"])
def test_curators_and_reviewers_may_view_add_change_and_delete_vignettes(group):
    codenames = set(
        Group.objects.get(name=group)
        .permissions.filter(content_type__app_label="bench")
        .values_list("codename", flat=True)
    )

    assert codenames == {
        "view_clinicalvignette",
        "add_clinicalvignette",
        "change_clinicalvignette",
        "delete_clinicalvignette",
    }


def test_the_list_marks_a_case_the_published_version_gets_right_with_a_tick(
    curator_client, published, development_cases
):
    vignette_from_case(development_cases[0])  # dev-01: the published version gets it right

    page = curator_client.get(LIST).content.decode()

    assert "dev-01" in page
    assert "ankylosing_spondylitis" in page
    tick = '<span aria-hidden="true">✓</span><span class="visually-hidden">matches</span>'
    assert page.count(tick) == 2  # first condition and urgency


def test_the_list_marks_a_case_the_published_version_gets_wrong(curator_client, published):
    ClinicalVignetteFactory(code="wrong", expected_top="septic_arthritis", expected_triage="soon")

    page = curator_client.get(LIST).content.decode()

    assert '<span class="visually-hidden">does not match:</span> ankylosing_spondylitis' in page
    assert '<span class="visually-hidden">does not match:</span> routine (under-triage)' in page


def test_before_the_first_publish_the_list_says_nothing_is_published(curator_client):
    ClinicalVignetteFactory()

    assert "nothing published" in curator_client.get(LIST).content.decode()


def test_the_add_change_and_history_pages_open(curator_client, published):
    vignette = ClinicalVignetteFactory()

    assert curator_client.get(reverse("admin:bench_clinicalvignette_add")).status_code == 200
    change = curator_client.get(reverse("admin:bench_clinicalvignette_change", args=[vignette.pk]))
    assert change.status_code == 200
    assert (
        '<span aria-hidden="true">✓</span><span class="visually-hidden">matches:</span> '
        "ankylosing_spondylitis; top three: ankylosing_spondylitis"
    ) in change.content.decode()
    history = reverse("admin:bench_clinicalvignette_history", args=[vignette.pk])
    assert curator_client.get(history).status_code == 200


def test_a_curator_adds_a_case_and_a_wrong_code_is_named_beside_its_field(
    curator_client, published
):
    form = {
        "code": "dev-99",
        "active": "on",
        "narrative": "A 29-year-old man with inflammatory back pain.",
        "source": "",
        "answers": json.dumps({"age": 29, "sex": "male", "findings": {"low_back_pain": True}}),
        "expected_top": "ankylosing_spondylosis",
        "acceptable": "[]",
        "expected_triage": "routine",
        "note": "",
    }
    add = reverse("admin:bench_clinicalvignette_add")

    refused = curator_client.post(add, form)
    saved = curator_client.post(add, {**form, "expected_top": "ankylosing_spondylitis"})

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "expected_top": [
            "Condition “ankylosing_spondylosis” is not in the published knowledge base (version 1)."
        ]
    }
    assert saved.status_code == 302
    assert ClinicalVignette.objects.get(code="dev-99").answers["age"] == 29


def test_an_import_shows_what_it_would_create_update_and_leave_and_writes_nothing(
    curator_client, published, development_cases
):
    vignette_from_case(development_cases[0])  # unchanged
    vignette_from_case(development_cases[1], expected_triage="soon")  # to update
    cases = [development_cases[0], development_cases[1], development_cases[2]]

    response = upload(curator_client, cases)

    plan = response.context["plan"]
    assert [(case.code, case.action) for case in plan.cases] == [
        ("dev-01", "unchanged"),
        ("dev-02", "update"),
        ("dev-03", "create"),
    ]
    assert plan.cases[1].changes == ("expected urgency: soon → routine",)
    page = response.content.decode()
    assert "Import: add 1, update 1" in page
    assert ClinicalVignette.objects.count() == 2
    assert ClinicalVignette.objects.get(code="dev-02").expected_triage == "soon"


def test_confirming_an_import_applies_it_and_keeps_the_file_in_the_history(
    curator_client, curator, published, development_cases
):
    vignette_from_case(development_cases[1], expected_triage="soon", note="kept")
    preview = upload(curator_client, development_cases[:3], name="from-the-clinic.json")

    done = confirm(curator_client, preview)

    assert done.status_code == 302
    assert done.url == LIST
    assert ClinicalVignette.objects.count() == 3
    updated = ClinicalVignette.objects.get(code="dev-02")
    assert updated.expected_triage == "routine"
    assert updated.note == "kept"  # the file has no note: the curator's stays
    latest = updated.history.latest()
    assert latest.history_change_reason == "imported from from-the-clinic.json"
    assert latest.history_user == curator
    messages = [str(m) for m in done.wsgi_request._messages]
    assert messages == ["Imported from-the-clinic.json: 2 created, 1 updated, 0 unchanged."]


def test_a_file_with_problems_names_each_case_and_field_and_cannot_be_imported(
    curator_client, published, development_cases
):
    first, second = json.loads(json.dumps(development_cases[:2]))
    first["answers"]["age"] = 130
    first["expected_triage"] = "asap"
    second["id"] = "dev-01"
    second["acceptable"] = ["gout"]
    del second["narrative"]

    response = upload(curator_client, [first, second])

    assert response.context["plan"].errors == [
        "dev-01: answers: Age: Enter an age between 0 and 120.",
        "dev-01: expected urgency (expected_triage): “asap” is not an urgency level; use one of "
        "emergency, urgent, soon, routine, self_care.",
        "dev-01: id: 2 cases in the file have this id; each needs its own.",
        "dev-01: narrative: Write the case as the person or a relative would tell it.",
        "dev-01: also acceptable (acceptable): Condition “gout” is not in the published "
        "knowledge base (version 1).",
        "dev-01: id: 2 cases in the file have this id; each needs its own.",
    ]
    assert response.context["digest"] == ""
    assert "Nothing can be imported until these are fixed" in response.content.decode()
    assert not ClinicalVignette.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[{", "The file is not valid JSON: Expecting property name enclosed in double quotes"),
        (b'{"id": "dev-01"}', "The file must hold a list of cases"),
        (b"[1, 2]", "Case number 1 in the file is not an object"),
        (b"\xff\xfe", "The file is not text (UTF-8)"),
    ],
)
def test_a_file_that_is_not_a_list_of_cases_is_explained(curator_client, content, message):
    response = upload(curator_client, content)

    assert message in response.context["file_problem"]


def test_a_confirmation_without_a_previewed_file_imports_nothing(curator_client):
    response = curator_client.post(IMPORT, {"confirm": "1", "digest": "0123"}, follow=True)

    assert "upload the file again" in response.content.decode()
    assert not ClinicalVignette.objects.exists()


def test_a_staff_user_outside_the_groups_cannot_import(client):
    client.force_login(UserFactory())

    assert client.get(IMPORT).status_code == 403


def test_a_reviewer_sees_the_import_link(client, published):
    client.force_login(ReviewerFactory())

    assert "Import vignettes from a JSON file" in client.get(LIST).content.decode()


def test_export_then_import_gives_back_the_same_cases(curator_client, published, development_cases):
    for case in development_cases[:5]:
        vignette_from_case(case)
    ClinicalVignette.objects.filter(code="dev-03").update(note="Guards the psoriasis weight.")
    before = [vignette.as_case() for vignette in ClinicalVignette.objects.all()]

    exported = curator_client.post(
        LIST,
        {
            "action": "export_as_json",
            "_selected_action": list(ClinicalVignette.objects.values_list("pk", flat=True)),
        },
    )
    ClinicalVignette.objects.all().delete()
    preview = upload(curator_client, exported.content, name="clinical-vignettes.json")
    confirm(curator_client, preview)

    assert exported["Content-Disposition"] == 'attachment; filename="clinical-vignettes.json"'
    assert json.loads(exported.content) == before
    assert json.loads(exported.content)[0] == development_cases[0]
    assert [vignette.as_case() for vignette in ClinicalVignette.objects.all()] == before


def test_importing_an_exported_file_again_changes_nothing(
    curator_client, published, development_cases
):
    for case in development_cases[:3]:
        vignette_from_case(case)
    exported = curator_client.post(
        LIST,
        {
            "action": "export_as_json",
            "_selected_action": list(ClinicalVignette.objects.values_list("pk", flat=True)),
        },
    )

    preview = upload(curator_client, exported.content)

    assert [case.action for case in preview.context["plan"].cases] == ["unchanged"] * 3
    assert "The file changes nothing" in preview.content.decode()
