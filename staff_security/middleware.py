"""Keeps staff who have not passed their second factor out of the admin.

After django-otp's OTPMiddleware (which tells whether this session was verified with a device):
in the admin, a staff member whose session is not verified is sent

- to enter a code, when they have an authenticator app (anyone who set one up must use it);
- to set one up, when they are a reviewer or a superuser and have none yet;

and a curator without one passes (optional for them). The login and logout pages and the
two-step pages themselves are always reachable.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from staff_security.devices import confirmed_device, second_factor_required


class SecondFactorMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        redirect = self.redirect_for(request)
        if redirect is not None:
            return redirect
        return self.get_response(request)

    @staticmethod
    def redirect_for(request: HttpRequest) -> HttpResponse | None:
        admin_root = reverse("admin:index")
        if not request.path.startswith(admin_root):
            return None
        open_paths = (
            reverse("admin:login"),
            reverse("admin:logout"),
            reverse("staff_security:enrol"),
            reverse("staff_security:verify"),
        )
        if request.path in open_paths:
            return None
        user = getattr(request, "user", None)
        if user is None or not (user.is_authenticated and user.is_active and user.is_staff):
            return None  # the admin itself sends them to log in
        if user.is_verified():
            return None
        if confirmed_device(user) is not None:
            target = reverse("staff_security:verify")
        elif second_factor_required(user):
            target = reverse("staff_security:enrol")
        else:
            return None
        next_path = request.get_full_path() if request.method == "GET" else admin_root
        return HttpResponseRedirect(f"{target}?{urlencode({'next': next_path})}")
