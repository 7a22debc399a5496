"""Test helpers for staff's second factor (staff_security): an authenticator app set up for a
user, the code it would show now, and a test client's session verified with it."""

from __future__ import annotations

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff_security.devices import second_factor_required


def authenticator(user) -> TOTPDevice:
    """The user's confirmed authenticator app, set up now if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)
    return device


def code_for_key(bin_key: bytes, *, after_step: int = -1, step: int = 30) -> str:
    """The 6-digit code an app with this secret shows now, or the next step's code when the
    current one was already used (``after_step``: the device's ``last_t``)."""
    totp = TOTP(bin_key, step=step)
    totp.time = time.time()
    if totp.t() <= after_step:  # within django-otp's tolerance of one step either side
        totp.time += step * (after_step + 1 - totp.t())
    return f"{totp.token():06d}"


def current_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return code_for_key(device.bin_key, after_step=device.last_t, step=device.step)


def verify_session(client, user) -> None:
    """Mark the test client's session as verified with ``user``'s authenticator app: the one
    they have, or one set up now for users who must have one (reviewers and superusers)."""
    has_one = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if not (has_one or second_factor_required(user)):
        return
    device = authenticator(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
