"""S3: the admin locks an account whatever the address, and an address whatever the account.

Two attacks that got through a lockout keyed on (username, address) together: spraying many
usernames from one address, and guessing one account's password from many addresses.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple-42"
LOCKED_OUT = 429
PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def curators(db):
    users = get_user_model().objects
    return [
        users.create_user(name, password=PASSWORD, is_staff=True, is_superuser=True)
        for name in ("curator", "reviewer")
    ]


def log_in(client, username: str, password: str, **extra):
    return client.post(
        f"/{settings.ADMIN_PATH}login/",
        {"username": username, "password": password, "next": f"/{settings.ADMIN_PATH}"},
        **extra,
    )


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_spraying_many_usernames_from_one_address_locks_that_address(client, curators):
    attacker = "203.0.113.7"
    for attempt in range(30):
        response = log_in(client, f"user{attempt}", "Winter2026!", REMOTE_ADDR=attacker)
        # The failure that reaches the limit already gets the lockout page.
        locked = attempt + 1 >= settings.AXES_FAILURE_LIMIT
        assert response.status_code == (LOCKED_OUT if locked else 200)

    # Even a real account with its right password is refused from that address...
    response = log_in(client, "reviewer", PASSWORD, REMOTE_ADDR=attacker)
    assert response.status_code == LOCKED_OUT
    assert not is_logged_in(client)
    # ...while the account itself was never guessed at and opens from elsewhere.
    response = log_in(client, "reviewer", PASSWORD, REMOTE_ADDR="198.51.100.23")
    assert response.status_code == 302
    assert is_logged_in(client)


def test_guessing_one_account_from_many_addresses_locks_the_account(client, curators):
    for attempt in range(50):
        response = log_in(
            client, "curator", f"guess-{attempt}", REMOTE_ADDR=f"203.0.113.{attempt // 5 + 1}"
        )
        assert response.status_code in (200, LOCKED_OUT)
        assert not is_logged_in(client)

    # An eleventh address with the right password: the account stays locked.
    response = log_in(client, "curator", PASSWORD, REMOTE_ADDR="203.0.113.111")
    assert response.status_code == LOCKED_OUT
    assert not is_logged_in(client)
    # Another account from a clean address is not affected.
    response = log_in(client, "reviewer", PASSWORD, REMOTE_ADDR="198.51.100.23")
    assert response.status_code == 302


def test_the_account_locks_after_the_limit_even_with_one_guess_per_address(client, curators):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "curator", f"guess-{attempt}", REMOTE_ADDR=f"203.0.113.{attempt + 1}")

    response = log_in(client, "curator", PASSWORD, REMOTE_ADDR="198.51.100.23")
    assert response.status_code == LOCKED_OUT
    assert not is_logged_in(client)


def test_behind_a_trusted_proxy_the_lockout_is_per_client_not_per_proxy(client, curators, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    attacker = "203.0.113.7"
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(
            client,
            f"user{attempt}",
            "Winter2026!",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=attacker,
        )
    assert (
        log_in(
            client, "reviewer", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=attacker
        ).status_code
        == LOCKED_OUT
    )

    # The curator comes through the same proxy from their own address and gets in.
    response = log_in(
        client, "reviewer", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.23"
    )
    assert response.status_code == 302
    assert is_logged_in(client)
