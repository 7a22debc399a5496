"""/fhir/: the questionnaire as a FHIR R4 Questionnaire, and answers as a QuestionnaireResponse."""

from django.urls import path, re_path

from api import views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("Questionnaire/<str:questionnaire_id>", views.questionnaire, name="questionnaire"),
    path(
        "QuestionnaireResponse/$from-answers",
        views.questionnaire_response_from_answers,
        name="questionnaire_response_from_answers",
    ),
    re_path(r"^(?P<unmatched>.*)$", views.not_found),
]
