"""Walking the questionnaire with the test client (``published`` comes from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

WIZARD = "questionnaire_wizard"


PostStep = Callable[..., Any]


@pytest.fixture
def post_step(client: Client) -> PostStep:
    """Post one step of the questionnaire with the management form filled in."""

    def post(step: str, answers: dict[str, Any], *, follow: bool = False, query: str = ""):
        data: dict[str, Any] = {f"{WIZARD}-current_step": step}
        for name, value in answers.items():
            data[name if name.startswith("wizard_") else f"{step}-{name}"] = value
        return client.post(f"/check/{step}/{query}", data, follow=follow)

    return post
