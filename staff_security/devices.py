"""Who must have a second factor, their authenticator device, and checking a code against it.

A staff member's second factor is one django-otp TOTP device (an authenticator app). Reviewers
(group Reviewers) and superusers must have one before they use the admin; curators may set one
up, and once they have, they must enter its code too. A device is *confirmed* once its first code
was entered; an unconfirmed one is an enrolment in progress and never verifies a login.
"""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

REVIEWERS_GROUP = "Reviewers"
DEVICE_NAME = "Authenticator app"


def second_factor_required(user) -> bool:
    """Reviewers and superusers may not use the admin without a verified second factor."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name=REVIEWERS_GROUP).exists()


def confirmed_device(user) -> TOTPDevice | None:
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device being set up: the same secret on every visit until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, as authenticator apps accept it typed."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


@dataclass(frozen=True)
class CodeCheck:
    accepted: bool
    # Set when the device refused to check any code yet (too many wrong codes just now).
    wait_seconds: int | None = None

    @property
    def throttled(self) -> bool:
        return self.wait_seconds is not None


def check_code(device: TOTPDevice, code: str) -> CodeCheck:
    """Check ``code`` against ``device`` (row-locked, so two requests cannot both use it).

    django-otp refuses a code already used (each time step verifies once) and, after a wrong
    code, waits 1, 2, 4… seconds (OTP_TOTP_THROTTLE_FACTOR) before it checks another.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            locked_until = (details or {}).get("locked_until")
            wait = 1
            if locked_until is not None:
                wait = max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))
            return CodeCheck(accepted=False, wait_seconds=wait)
        return CodeCheck(accepted=device.verify_token(code))


def remove_devices(user) -> int:
    """Delete every device of ``user`` (confirmed or being set up); returns how many were
    confirmed (in use)."""
    devices = TOTPDevice.objects.filter(user=user)
    confirmed = devices.filter(confirmed=True).count()
    devices.delete()
    return confirmed
