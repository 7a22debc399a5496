"""The two-step verification pages, served under the admin's path (symptomcheck/urls.py)."""

from django.urls import path

from staff_security import views

app_name = "staff_security"

urlpatterns = [
    path("", views.enrol, name="enrol"),
    path("verify/", views.verify, name="verify"),
]
