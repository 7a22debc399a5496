"""Setting up an authenticator app (enrolment) and entering its code, in the admin's layout."""

from __future__ import annotations

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from staff_security.devices import (
    check_code,
    confirmed_device,
    enrolment_device,
    second_factor_required,
    secret_for_typing,
)
from staff_security.forms import WRONG_CODE, CodeForm, record_failed_code, throttled_message

ENROL_WRONG_CODE = (
    "That code does not match. Check that the app shows 'Symptomcheck' with your user name and "
    "that your phone's clock is right, then enter the newest code."
)


def next_url(request: HttpRequest) -> str:
    """Where to go once done: the page asked for, if it is on this site, else the admin."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def admin_page(request: HttpRequest, template: str, title: str, context: dict) -> HttpResponse:
    return render(
        request,
        template,
        {**admin.site.each_context(request), "title": title, "next": next_url(request), **context},
    )


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Show a new secret (QR code and text) and confirm it with a first code from the app."""
    user = request.user
    existing = confirmed_device(user)
    if existing is not None:
        if not user.is_verified():
            return HttpResponseRedirect(
                f"{reverse('staff_security:verify')}?next={reverse('staff_security:enrol')}"
            )
        return admin_page(
            request,
            "staff_security/enrolled.html",
            "Two-step verification",
            {"device": existing},
        )

    device = enrolment_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = check_code(device, form.cleaned_data["otp_token"])
        if check.accepted:
            device.refresh_from_db()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            type(device).objects.filter(user=user, confirmed=False).delete()
            otp_login(request, device)
            messages.success(
                request,
                "Two-step verification is set up: from now on you log in with your password and "
                "a code from your authenticator app.",
            )
            return HttpResponseRedirect(next_url(request))
        form.add_error(
            "otp_token", throttled_message(check) if check.throttled else ENROL_WRONG_CODE
        )
    qr = segno.make(device.config_url, error="m")
    return admin_page(
        request,
        "staff_security/enrol.html",
        "Set up two-step verification",
        {
            "form": form,
            "required": second_factor_required(user),
            "qr_data_uri": qr.svg_data_uri(scale=5, border=2),
            "secret": secret_for_typing(device),
            "config_url": device.config_url,
        },
    )


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Enter the app's code for a session that is logged in but not yet verified.

    Wrong codes count towards django-axes' lockout like wrong passwords; once the account or the
    address is locked out, the session is logged out and the lockout page is shown.
    """
    user = request.user
    device = confirmed_device(user)
    if device is None:
        return HttpResponseRedirect(
            f"{reverse('staff_security:enrol')}?next={reverse('admin:index')}"
        )
    if user.is_verified():
        return HttpResponseRedirect(next_url(request))

    credentials = {"username": user.get_username()}
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if AxesProxyHandler.is_locked(request, credentials):
            logout(request)
            return get_lockout_response(request, None, credentials)
        if form.is_valid():
            check = check_code(device, form.cleaned_data["otp_token"])
            if check.accepted:
                otp_login(request, device)
                return HttpResponseRedirect(next_url(request))
            if check.throttled:
                form.add_error("otp_token", throttled_message(check))
            else:
                form.add_error("otp_token", WRONG_CODE)
                record_failed_code(request, user)
                if getattr(request, "axes_locked_out", False):
                    # AxesMiddleware turns this response into its lockout page.
                    logout(request)
                    request.axes_locked_out = True
    return admin_page(request, "staff_security/verify.html", "Enter your code", {"form": form})
