from django.apps import AppConfig


class StaffSecurityConfig(AppConfig):
    """A second factor (TOTP, django-otp) for the admin: required for reviewers and superusers."""

    name = "staff_security"
    verbose_name = "Staff security"

    def ready(self) -> None:
        from django.contrib import admin

        from staff_security.forms import StaffAuthenticationForm

        # The admin's login form asks for the authenticator code beside the password.
        admin.site.login_form = StaffAuthenticationForm
        admin.site.login_template = "staff_security/login.html"
