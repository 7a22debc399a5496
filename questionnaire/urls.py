from django.urls import path, re_path

from questionnaire import views
from questionnaire.wizard import QuestionnaireWizard

app_name = "questionnaire"

questionnaire = QuestionnaireWizard.as_view(
    url_name="questionnaire:step", done_step_name="finished"
)

urlpatterns = [
    re_path(r"^check/(?P<step>[a-z_]+(?:_[0-9]{1,3})?)/$", questionnaire, name="step"),
    path("check/", questionnaire, name="start"),
    path("result/", views.result, name="result"),
    path("result/summary/", views.summary, name="summary"),
    path("result/summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("start-over/", views.start_over, name="start_over"),
]
