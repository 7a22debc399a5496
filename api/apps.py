from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API and the FHIR R4 Questionnaire / QuestionnaireResponse."""

    name = "api"
    verbose_name = "Open API and FHIR"
    default_auto_field = "django.db.models.BigAutoField"
