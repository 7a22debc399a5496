"""Patient-facing pages about each published condition (never drafts)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from conditions.published import published_knowledge_base


def condition_list(request: HttpRequest) -> HttpResponse:
    """Every published condition, by everyday name."""
    knowledge_base = published_knowledge_base()
    conditions = sorted(knowledge_base.conditions, key=lambda condition: condition.name)
    return render(request, "conditions/list.html", {"conditions": conditions})


def condition_detail(request: HttpRequest, code: str) -> HttpResponse:
    """What a condition is, what a doctor may check and how it is usually managed."""
    knowledge_base = published_knowledge_base()
    # other_causes is a scoring class, not a condition a person can read about.
    if code == knowledge_base.other_causes.code or not knowledge_base.has_condition(code):
        raise Http404("No published condition with that code.")
    condition = knowledge_base.condition(code)
    return render(request, "conditions/detail.html", {"condition": condition})
