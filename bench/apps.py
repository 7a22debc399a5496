from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The test bench: clinical vignettes curators keep, run over a draft before it is published."""

    name = "bench"
    verbose_name = "Test bench"
    default_auto_field = "django.db.models.BigAutoField"
