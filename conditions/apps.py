from django.apps import AppConfig


class ConditionsConfig(AppConfig):
    """The knowledge base: conditions, findings, evidence, red-flag rules and published versions."""

    name = "conditions"
    verbose_name = "Knowledge base"
    default_auto_field = "django.db.models.BigAutoField"
