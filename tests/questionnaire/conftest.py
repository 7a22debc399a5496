"""A published knowledge base for the patient pages: the seeded one, stored as a version."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

PROJECT_DIR = Path(__file__).resolve().parents[2]
WIZARD = "questionnaire_wizard"


@pytest.fixture(scope="session")
def seeded_document() -> dict[str, Any]:
    from conditions.knowledge_file import read_knowledge_document

    return read_knowledge_document(PROJECT_DIR / "knowledge")


@pytest.fixture
def published(db, seeded_document):
    """The seeded knowledge base, published as version 1."""
    from conditions.models import KnowledgeBaseVersion

    return KnowledgeBaseVersion.objects.create(number=1, document=seeded_document, note="test")


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
