"""Static information pages for patients."""

from django.views.generic import TemplateView


class StartView(TemplateView):
    """The start page: what the checker does, what it does not, and how answers are kept."""

    template_name = "pages/start.html"


class HowItWorksView(TemplateView):
    """How the checker reaches its advice, in plain words."""

    template_name = "pages/how_it_works.html"


class PrivacyView(TemplateView):
    """What is stored, for how long, and why."""

    template_name = "pages/privacy.html"
