from django.apps import AppConfig


class QuestionnaireConfig(AppConfig):
    """The patient's multi-step questionnaire and its result pages."""

    name = "questionnaire"
    default_auto_field = "django.db.models.BigAutoField"
