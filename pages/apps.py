from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The patient-facing information pages: start, how it works, privacy."""

    name = "pages"
    default_auto_field = "django.db.models.BigAutoField"
