from django.urls import path

from pages import views

app_name = "pages"

urlpatterns = [
    path("", views.StartView.as_view(), name="start"),
    path("how-it-works/", views.HowItWorksView.as_view(), name="how_it_works"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
]
