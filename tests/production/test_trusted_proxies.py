"""Behind trusted proxies the client's address comes from X-Forwarded-For, and only then.

TRUSTED_PROXIES names the proxy hops; the header is walked from the right, skipping trusted
hops. An untrusted peer's header is ignored, and a malformed one never raises. The rate limits
and the admin lockout use that address.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from symptomcheck.middleware import client_address, trusted_networks
from tests.production.helpers import step_data

PROXY = "10.0.0.5"
EDGE_PROXY = "192.168.1.7"
PATIENT_A = "203.0.113.7"
PATIENT_B = "198.51.100.23"
FORGED = "192.0.2.99"

# A valid "About you" page.
ABOUT_YOU = {
    "age": "40",
    "sex": "male",
    "side": "left",
    "duration": "2",
    "duration_unit": "weeks",
}


def address(remote: str, forwarded: str | None = None) -> str:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


def test_with_no_trusted_proxy_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert address(PATIENT_A, FORGED) == PATIENT_A
    assert address(PROXY, PATIENT_A) == PROXY


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address(PATIENT_A, FORGED) == PATIENT_A
    assert address(PATIENT_A, f"{FORGED}, {PROXY}") == PATIENT_A


def test_through_a_trusted_proxy_the_client_is_the_rightmost_untrusted_hop(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address(PROXY, PATIENT_A) == PATIENT_A
    # What the patient sent (a forged first hop) stays to the left of what the proxy appended.
    assert address(PROXY, f"{FORGED}, {PATIENT_A}") == PATIENT_A


def test_a_chain_of_two_trusted_hops(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.168.1.0/24"]
    # patient -> edge proxy -> inner proxy -> app
    assert address(PROXY, f"{FORGED}, {PATIENT_B}, {EDGE_PROXY}") == PATIENT_B
    # An edge proxy that is not trusted is where the walk stops.
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address(PROXY, f"{PATIENT_B}, {EDGE_PROXY}") == EDGE_PROXY


def test_a_trusted_proxy_without_the_header_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address(PROXY) == PROXY
    assert address(PROXY, "") == PROXY


@pytest.mark.parametrize(
    "forwarded",
    ["", " , ", "not-an-address", "999.1.1.1", "unknown, ", "a" * 5000, "\x00", "[::1", "1.2.3"],
)
def test_malformed_headers_never_raise_and_never_pass_for_an_address(settings, forwarded):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address(PROXY, forwarded) == PROXY
    # Junk left of a real client address is never reached.
    assert address(PROXY, f"{forwarded}, {PATIENT_A}") == PATIENT_A


def test_ipv6_and_bracketed_hops(settings):
    settings.TRUSTED_PROXIES = ["fd00::/8", "10.0.0.0/8"]
    assert address("fd00::1", "2001:db8::7") == "2001:db8::7"
    assert address("fd00::1", "[2001:db8::7]:4711") == "2001:db8::7"
    assert address("::ffff:10.0.0.5", PATIENT_A) == PATIENT_A


def test_a_malformed_remote_addr_is_returned_as_is(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address("", PATIENT_A) == ""
    assert address("unix-socket", PATIENT_A) == "unix-socket"


def test_a_typo_in_trusted_proxies_stops_the_start():
    assert trusted_networks(["10.0.0.0/8", " 127.0.0.1 ", "::1"]) == [
        "10.0.0.0/8",
        "127.0.0.1/32",
        "::1/128",
    ]
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        trusted_networks(["10.0.0.0/33"])


@pytest.mark.django_db
def test_through_a_trusted_proxy_two_clients_get_separate_rate_limits(client, published, settings):
    settings.RATELIMIT_ENABLE = True
    settings.QUESTIONNAIRE_RATE_LIMIT = "2/m"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    cache.clear()
    client.get("/check/", follow=True)
    answers = ABOUT_YOU

    def post(forwarded: str) -> int:
        return client.post(
            "/check/about_you/",
            step_data("about_you", answers),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    assert [post(PATIENT_A) for _ in range(3)] == [302, 302, 429]
    # Another patient behind the same proxy has a limit of their own.
    assert post(PATIENT_B) == 302
    # A patient who forges a first hop is still counted by the address the proxy saw.
    assert post(f"{FORGED}, {PATIENT_A}") == 429


@pytest.mark.django_db
def test_a_forged_header_from_an_untrusted_peer_does_not_dodge_the_rate_limit(
    client, published, settings
):
    settings.RATELIMIT_ENABLE = True
    settings.QUESTIONNAIRE_RATE_LIMIT = "2/m"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    cache.clear()
    client.get("/check/", follow=True)
    answers = ABOUT_YOU
    statuses = [
        client.post(
            "/check/about_you/",
            step_data("about_you", answers),
            REMOTE_ADDR=PATIENT_A,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        ).status_code
        for attempt in range(3)
    ]
    assert statuses == [302, 302, 429]
