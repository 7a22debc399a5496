"""The admin's login form with the authenticator code, and the form for a code on its own."""

from __future__ import annotations

import re

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError

from staff_security.devices import CodeCheck, check_code, confirmed_device

CODE_PATTERN = re.compile(r"\d{6}")
WRONG_CODE = (
    "That code is not right, or it was already used. Enter the newest 6-digit code your "
    "authenticator app shows for this site."
)
MISSING_CODE = (
    "This account has two-step verification: enter the 6-digit code from your authenticator app."
)


def throttled_message(check: CodeCheck) -> str:
    seconds = check.wait_seconds
    unit = "second" if seconds == 1 else "seconds"
    return (
        f"Too many wrong codes in a row: wait {seconds} {unit}, then enter the newest code "
        "your authenticator app shows."
    )


def record_failed_code(request, user) -> None:
    """A wrong code counts as a failed login for django-axes: towards the account's and the
    address's lockout, exactly like a wrong password."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username()},
        request=request,
    )


class CodeField(forms.CharField):
    """Six digits; spaces (as apps show them, '123 456') are ignored."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", "Code from your authenticator app")
        widget = forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "size": 8,
                "spellcheck": "false",
            }
        )
        super().__init__(widget=widget, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        value = re.sub(r"[\s-]", "", value or "")
        if value and not CODE_PATTERN.fullmatch(value):
            raise ValidationError(
                "The code is the 6 digits your authenticator app shows for this site.",
                code="malformed",
            )
        return value


class StaffAuthenticationForm(AdminAuthenticationForm):
    """Username, password and, for staff with an authenticator app, its current code.

    A wrong code counts as a failed login (django-axes), so guessing codes after a stolen
    password runs into the same lockout as guessing passwords.
    """

    otp_token = CodeField(
        required=False,
        help_text="Only if you have set up two-step verification; otherwise leave it empty.",
    )

    def clean(self):
        cleaned_data = super().clean()  # the password and staff status, checked first
        user = self.user_cache
        device = confirmed_device(user) if user is not None else None
        if device is None or "otp_token" not in cleaned_data:
            return cleaned_data  # no second factor, or a malformed code (its own error)
        code = cleaned_data["otp_token"]
        if not code:
            raise ValidationError({"otp_token": MISSING_CODE}, code="code_required")
        check = check_code(device, code)
        if check.throttled:
            raise ValidationError({"otp_token": throttled_message(check)}, code="throttled")
        if not check.accepted:
            record_failed_code(self.request, user)
            raise ValidationError({"otp_token": WRONG_CODE}, code="wrong_code")
        # django-otp's user_logged_in handler keeps this device in the session: verified.
        user.otp_device = device
        return cleaned_data


class CodeForm(forms.Form):
    otp_token = CodeField(required=True)
