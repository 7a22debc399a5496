"""S3 (issue 17): a second factor for staff. Reviewers and superusers set up an authenticator app
(TOTP) before they use the admin and enter its code at every login; curators may set one up and
then must use it; wrong codes count towards the admin lockout; an administrator resets a lost
one from the command line.

Logged in here through the admin's own form (``log_in``), never ``force_login``, which the suite's
conftest treats as a full login including the second factor.
"""

from __future__ import annotations

import io
import re
from base64 import b32decode

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD, CuratorFactory, ReviewerFactory, UserFactory
from tests.two_factor import authenticator, code_for_key, current_code

pytestmark = pytest.mark.django_db

LOCKED_OUT = 429
SECRET = re.compile(r'<code id="otp-secret">([A-Z2-7 ]+)</code>')


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def no_wait_after_a_wrong_code(settings):
    # django-otp waits 1, 2, 4… s after each wrong code before it checks another; the tests
    # that follow a wrong code with the right one at once turn that wait off.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def admin_index() -> str:
    return reverse("admin:index")


def enrol_url() -> str:
    return reverse("staff_security:enrol")


def verify_url() -> str:
    return reverse("staff_security:verify")


def log_in(client, user, code: str = "", **extra):
    return client.post(
        reverse("admin:login"),
        {
            "username": user.username,
            "password": TEST_PASSWORD,
            "otp_token": code,
            "next": admin_index(),
        },
        **extra,
    )


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def text(response) -> str:
    return response.content.decode()


def secret_on_page(response) -> bytes:
    match = SECRET.search(text(response))
    assert match, "the enrolment page shows no secret to type"
    return b32decode(match[1].replace(" ", ""))


def test_the_login_form_asks_for_the_code_beside_the_password(client):
    page = text(client.get(reverse("admin:login")))
    assert 'name="otp_token"' in page
    assert 'autocomplete="one-time-code"' in page
    assert "Code from your authenticator app" in page


def test_a_reviewer_without_an_app_is_sent_to_set_one_up_before_any_admin_page(client):
    reviewer = ReviewerFactory()
    response = log_in(client, reviewer)
    assert response.status_code == 302
    assert is_logged_in(client)

    for path in (admin_index(), reverse("admin:conditions_condition_changelist")):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(enrol_url())
    # A POST to the admin is refused the same way, not carried out.
    response = client.post(reverse("admin:conditions_condition_add"), {"code": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(enrol_url())

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Reviewers and administrators must set up two-step verification" in text(page)
    assert 'src="data:image/svg+xml' in text(page)  # the QR code
    assert "otpauth://" not in text(page)  # the secret only as QR code and typed text


def test_a_superuser_without_an_app_is_sent_to_set_one_up(client):
    admin = UserFactory(is_superuser=True)
    log_in(client, admin)
    response = client.get(admin_index())
    assert response.status_code == 302
    assert response["Location"].startswith(enrol_url())


def test_a_reviewer_sets_up_an_app_with_its_first_code_and_then_uses_the_admin(client):
    reviewer = ReviewerFactory()
    log_in(client, reviewer)
    page = client.get(enrol_url(), {"next": admin_index()})
    secret = secret_on_page(page)
    # The same secret on a second visit: reloading does not invalidate a scanned QR code.
    assert secret_on_page(client.get(enrol_url())) == secret

    response = client.post(enrol_url(), {"otp_token": code_for_key(secret), "next": admin_index()})
    assert response.status_code == 302
    assert response["Location"] == admin_index()
    device = TOTPDevice.objects.get(user=reviewer)
    assert device.confirmed
    assert device.bin_key == secret

    response = client.get(admin_index(), follow=True)
    assert response.status_code == 200
    assert "Two-step verification is set up" in text(response)
    assert "Waiting for publication" in text(response)
    # Once set up, the page says so and offers no new secret.
    page = client.get(enrol_url())
    assert "Two-step verification is on for your account" in text(page)
    assert not SECRET.search(text(page))


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "This field is required."),
        ("12345", "The code is the 6 digits your authenticator app shows"),
        ("abcdef", "The code is the 6 digits your authenticator app shows"),
        ("1" * 5000, "at most 20 characters"),
    ],
    ids=["empty", "too short", "letters", "huge"],
)
def test_a_malformed_code_at_set_up_is_explained(client, code, message):
    log_in(client, ReviewerFactory())
    client.get(enrol_url())
    response = client.post(enrol_url(), {"otp_token": code})
    assert response.status_code == 200
    assert message in text(response)
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_a_wrong_code_at_set_up_is_refused_with_a_message(client, no_wait_after_a_wrong_code):
    log_in(client, ReviewerFactory())
    secret = secret_on_page(client.get(enrol_url()))
    right = code_for_key(secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(enrol_url(), {"otp_token": wrong})
    assert response.status_code == 200
    assert "That code does not match" in text(response)
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get(admin_index())["Location"].startswith(enrol_url())

    response = client.post(enrol_url(), {"otp_token": right})
    assert response.status_code == 302
    assert client.get(admin_index()).status_code == 200


def test_wrong_codes_in_a_row_make_the_app_wait(client):
    log_in(client, ReviewerFactory())
    secret = secret_on_page(client.get(enrol_url()))
    wrong = f"{(int(code_for_key(secret)) + 1) % 1_000_000:06d}"
    client.post(enrol_url(), {"otp_token": wrong})

    # Even the right code is not checked during the wait, and the page says for how long.
    response = client.post(enrol_url(), {"otp_token": code_for_key(secret)})
    assert response.status_code == 200
    assert re.search(r"Too many wrong codes in a row: wait \d+ seconds?", text(response))


def test_a_curator_without_an_app_uses_the_admin_and_may_set_one_up(client):
    curator = CuratorFactory()
    response = log_in(client, curator)
    assert response.status_code == 302
    response = client.get(admin_index())
    assert response.status_code == 200
    assert "Two-step verification" in text(response)  # the link among the user's links

    page = client.get(enrol_url())
    assert page.status_code == 200
    assert "optional for curators" in text(page)
    assert "must set up" not in text(page)


def test_staff_with_an_app_must_enter_its_code_at_login(client, no_wait_after_a_wrong_code):
    curator = CuratorFactory()
    device = authenticator(curator)

    response = log_in(client, curator)
    assert response.status_code == 200
    assert "enter the 6-digit code from your authenticator app" in text(response)
    assert not is_logged_in(client)

    right = current_code(device)
    response = log_in(client, curator, f"{(int(right) + 1) % 1_000_000:06d}")
    assert response.status_code == 200
    assert "That code is not right" in text(response)
    assert not is_logged_in(client)

    response = log_in(client, curator, right[:3] + " " + right[3:])  # as apps show it
    assert response.status_code == 302
    assert client.get(admin_index()).status_code == 200


def test_a_code_is_used_once(client):
    reviewer = ReviewerFactory()
    device = authenticator(reviewer)
    code = current_code(device)
    assert log_in(client, reviewer, code).status_code == 302
    client.logout()

    response = log_in(client, reviewer, code)
    assert response.status_code == 200
    assert "already used" in text(response)
    assert not is_logged_in(client)


def test_wrong_codes_count_towards_the_lockout_even_with_the_right_password(
    client, no_wait_after_a_wrong_code
):
    reviewer = ReviewerFactory()
    device = authenticator(reviewer)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, reviewer, wrong, REMOTE_ADDR=f"203.0.113.{attempt + 1}")
        locked = attempt + 1 >= settings.AXES_FAILURE_LIMIT
        assert response.status_code == (LOCKED_OUT if locked else 200)
        assert not is_logged_in(client)

    # The account is locked: the right password and the right code are refused too.
    response = log_in(client, reviewer, current_code(device), REMOTE_ADDR="198.51.100.23")
    assert response.status_code == LOCKED_OUT
    assert not is_logged_in(client)


def test_a_session_not_yet_verified_enters_the_code_on_its_own_page(
    client, no_wait_after_a_wrong_code
):
    # Logged in before the app was set up (in another browser): the admin asks for the code.
    reviewer = ReviewerFactory()
    log_in(client, reviewer)
    device = authenticator(reviewer)
    path = reverse("admin:conditions_condition_changelist")

    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(verify_url())
    assert client.get(enrol_url())["Location"].startswith(verify_url())

    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(verify_url(), {"otp_token": wrong, "next": path})
    assert response.status_code == 200
    assert "That code is not right" in text(response)

    response = client.post(verify_url(), {"otp_token": current_code(device), "next": path})
    assert response.status_code == 302
    assert response["Location"] == path
    assert client.get(path).status_code == 200


def test_wrong_codes_on_the_code_page_lock_the_account_and_log_out(
    client, no_wait_after_a_wrong_code
):
    reviewer = ReviewerFactory()
    log_in(client, reviewer)
    device = authenticator(reviewer)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(verify_url(), {"otp_token": wrong})
        locked = attempt + 1 >= settings.AXES_FAILURE_LIMIT
        assert response.status_code == (LOCKED_OUT if locked else 200)
    assert not is_logged_in(client)

    response = log_in(client, reviewer, current_code(device), REMOTE_ADDR="198.51.100.23")
    assert response.status_code == LOCKED_OUT


def test_next_never_leaves_the_site(client):
    reviewer = ReviewerFactory()
    device = authenticator(reviewer)
    client.force_login(reviewer)
    session = client.session
    session.pop("otp_device_id")
    session.save()

    response = client.post(
        verify_url(), {"otp_token": current_code(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == admin_index()


def test_reset_staff_otp_removes_the_app_and_the_next_visit_sets_up_a_new_one(client):
    reviewer = ReviewerFactory()
    device = authenticator(reviewer)
    assert log_in(client, reviewer, current_code(device)).status_code == 302
    assert client.get(admin_index()).status_code == 200

    output = io.StringIO()
    call_command("reset_staff_otp", reviewer.username, stdout=output)
    assert f"Removed 1 authenticator app of '{reviewer.username}'" in output.getvalue()
    assert "must set up a new authenticator app" in output.getvalue()
    assert not TOTPDevice.objects.filter(user=reviewer).exists()

    # The session verified with the removed app no longer counts as verified.
    response = client.get(admin_index())
    assert response.status_code == 302
    assert response["Location"].startswith(enrol_url())

    output = io.StringIO()
    call_command("reset_staff_otp", reviewer.username, stdout=output)
    assert "had no authenticator app" in output.getvalue()


def test_reset_staff_otp_names_an_unknown_user():
    with pytest.raises(CommandError, match="No user is named 'nobody'"):
        call_command("reset_staff_otp", "nobody")


@pytest.mark.parametrize(
    ("role", "said"),
    [
        ("--reviewer", "At their first login they must set up two-step verification"),
        ("--curator", "Two-step verification (an authenticator app) is optional for curators"),
    ],
)
def test_create_staff_user_says_what_the_second_factor_asks(monkeypatch, role, said):
    monkeypatch.setenv("SYMPTOMCHECK_STAFF_PASSWORD", "tangled-orbit-vellum-1987")
    output = io.StringIO()
    call_command("create_staff_user", "ann", role, stdout=output)
    assert said in output.getvalue()


def test_superusers_see_staff_apps_in_the_admin_without_their_secrets(admin_client):
    device = authenticator(ReviewerFactory(username="rita"))
    response = admin_client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert response.status_code == 200
    assert "rita" in text(response)
    page = text(admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])))
    assert device.key not in page
