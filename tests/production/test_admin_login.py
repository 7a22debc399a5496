"""S3: the admin locks out password guessing per account and per address, trusts no forwarded
address from an untrusted peer, lets only staff in, and refuses weak passwords."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.production.helpers import production_environment, run_manage

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple-42"
ATTACKER = "203.0.113.7"
NEIGHBOUR = "198.51.100.23"
LOCKED_OUT = 429


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher takes a quarter of a second per guess; these tests make dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        "curator", password=PASSWORD, is_staff=True, is_superuser=True
    )


def login_url() -> str:
    return f"/{settings.ADMIN_PATH}login/"


def log_in(client, password: str, *, address: str, forwarded_for: str | None = None):
    extra = {"REMOTE_ADDR": address}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        login_url(),
        {"username": "curator", "password": password, "next": f"/{settings.ADMIN_PATH}"},
        **extra,
    )


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def guess_wrong(client, times: int, *, address: str, forwarded_for=None) -> None:
    for attempt in range(times):
        header = forwarded_for(attempt) if callable(forwarded_for) else forwarded_for
        response = log_in(client, f"wrong-{attempt}", address=address, forwarded_for=header)
        assert response.status_code in (200, LOCKED_OUT)
        assert not is_logged_in(client)


def test_the_right_password_logs_a_curator_in(client, staff):
    response = log_in(client, PASSWORD, address=ATTACKER)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(client, staff):
    guess_wrong(client, settings.AXES_FAILURE_LIMIT, address=ATTACKER)

    response = log_in(client, PASSWORD, address=ATTACKER)
    assert response.status_code == LOCKED_OUT
    assert not is_logged_in(client)


def test_the_lockout_holds_for_that_account_from_every_address(client, staff):
    # Per account whatever the address (tests/production/test_lockout.py has both attacks).
    guess_wrong(client, settings.AXES_FAILURE_LIMIT, address=ATTACKER)

    response = log_in(client, PASSWORD, address=NEIGHBOUR)
    assert response.status_code == LOCKED_OUT
    assert not is_logged_in(client)


def test_a_forged_forwarded_address_neither_resets_nor_dodges_the_counter(client, staff):
    # Each guess claims to come from a different address; only the socket's address counts.
    guess_wrong(
        client,
        settings.AXES_FAILURE_LIMIT,
        address=ATTACKER,
        forwarded_for=lambda attempt: f"192.0.2.{attempt + 1}",
    )

    response = log_in(client, PASSWORD, address=ATTACKER, forwarded_for="192.0.2.200")
    assert response.status_code == LOCKED_OUT
    assert not is_logged_in(client)


def test_a_forged_forwarded_address_cannot_lock_out_someone_else(client, staff):
    # The attacker guesses at other accounts and blames the curator's address; the curator's
    # address is not locked, so the curator must still get in.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            login_url(),
            {"username": f"someone{attempt}", "password": "wrong"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=NEIGHBOUR,
        )

    response = log_in(client, PASSWORD, address=NEIGHBOUR)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_person_without_staff_status_cannot_enter_the_admin(client):
    get_user_model().objects.create_user("patient", password=PASSWORD, is_staff=False)
    response = client.post(
        login_url(), {"username": "patient", "password": PASSWORD}, REMOTE_ADDR=NEIGHBOUR
    )
    assert response.status_code == 200
    assert "staff account" in response.content.decode()
    assert not is_logged_in(client)

    client.force_login(get_user_model().objects.get(username="patient"))
    response = client.get(f"/{settings.ADMIN_PATH}")
    assert response.status_code == 302
    assert response["Location"].startswith(login_url())


def test_the_admin_lives_at_the_configured_path(client, staff):
    response = client.get(f"/{settings.ADMIN_PATH}")
    assert response.status_code == 302
    assert response["Location"].startswith(login_url())


def test_a_custom_admin_path_leaves_nothing_at_slash_admin(collected_static_root):
    probe = (
        "from django.test import Client\n"
        "c = Client()\n"
        "print('STATUS', c.get('/admin/').status_code, c.get('/staff-7f3a/').status_code,"
        " c.get('/staff-7f3a/').get('Location'))\n"
    )
    result = run_manage(
        "shell",
        "-c",
        probe,
        **production_environment(
            ADMIN_PATH="staff-7f3a",
            HTTPS_ONLY="0",
            ALLOWED_HOSTS="testserver",
            STATIC_ROOT=collected_static_root,
        ),
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("STATUS"))
    assert line == "STATUS 404 302 /staff-7f3a/login/?next=/staff-7f3a/"


@pytest.mark.parametrize(
    "password",
    ["Sh0rt!", "password123", "12345678901234", "curator2024"],
    ids=["too short", "too common", "all digits", "like the username"],
)
def test_weak_admin_passwords_are_refused(staff, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=staff)


def test_a_long_random_password_is_accepted(staff):
    validate_password("tangled-orbit-vellum-1987", user=staff)
