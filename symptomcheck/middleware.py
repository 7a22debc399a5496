"""Cross-cutting HTTP behaviour: security headers, and a calm page when the database is away."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def trusted_networks(values: Iterable[str]) -> list[str]:
    """Check TRUSTED_PROXIES (networks in CIDR, or single addresses); return them normalised.

    A typo must stop the start, not silently trust nobody (or everybody).
    """
    networks = []
    for value in values:
        try:
            networks.append(str(ipaddress.ip_network(value.strip(), strict=False)))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {value!r} is not a network in CIDR notation "
                f"(such as 10.0.0.0/8 or 127.0.0.1/32): {error}"
            ) from None
    return networks


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(str(value), strict=False) for value in values)


def _address(text: str) -> Address | None:
    """An address from a header or REMOTE_ADDR, or None when it is not one (never raises)."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]" or "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or, behind trusted proxies, from X-Forwarded-For.

    With TRUSTED_PROXIES empty (the default) only the socket's address counts. When the peer is
    a trusted proxy, X-Forwarded-For is read from the right, skipping every hop inside a trusted
    network; the first address that is not is the client's. The header of an untrusted peer is
    ignored, so a forged one can neither dodge a limit nor blame someone else. A malformed hop
    stops the walk at the last address a trusted proxy vouched for. Rate limits
    (RATELIMIT_IP_META_KEY) and the admin lockout (AXES_CLIENT_IP_CALLABLE) use this address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    peer = _address(remote)
    if not networks or peer is None or not _trusted(peer, networks):
        return remote
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        address = _address(hop)
        if address is None:
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


class SecurityHeadersMiddleware:
    """Headers Django has no setting for: Permissions-Policy, and no caching of answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        # Pages carry health answers and results: never keep them in a shared or browser cache.
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response


class DatabaseUnavailableMiddleware:
    """Answer HTTP 503 with a calm page, not a 500, while PostgreSQL cannot be reached.

    The questionnaire's answers live in file-based sessions, so nothing is lost; Django's
    connection health checks reconnect by themselves once the database is back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_service_unavailable(exception):
            return None
        return service_unavailable(request, exception)


def is_service_unavailable(exception: BaseException | None) -> bool:
    """Whether ``exception`` says a backing service is away: PostgreSQL, or Redis (REDIS_URL)."""
    if isinstance(exception, OperationalError | InterfaceError):
        return True
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis is in requirements.txt
        return False
    return isinstance(exception, RedisConnectionError | RedisTimeoutError)


def service_unavailable(request: HttpRequest, exception: BaseException) -> HttpResponse:
    """The calm 503 (JSON under /api/ and /fhir/), with Retry-After."""
    # The error text can name the server but never the answers; log the type only.
    logger.warning("Service unavailable (%s) on %s", type(exception).__name__, request.path)
    if request.path.startswith(("/api/", "/fhir/")):
        response: HttpResponse = HttpResponse(
            '{"message": "The service is temporarily unavailable. Try again shortly."}',
            content_type="application/json",
            status=503,
        )
    else:
        response = TemplateResponse(
            request,
            "errors/database_unavailable.html",
            {"retry_url": request.get_full_path()},
            status=503,
        ).render()
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
