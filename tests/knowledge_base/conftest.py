"""Fixtures for the knowledge-base tests: documents, a loaded knowledge base, admin users."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from conditions.services import knowledge_base_load
from tests.conftest import PROJECT_DIR
from tests.factories import minimal_document

KNOWLEDGE_DIR = PROJECT_DIR / "knowledge"


@pytest.fixture
def document() -> dict[str, Any]:
    """A small valid knowledge file, fresh for each test so tests can change it."""
    return copy.deepcopy(minimal_document())


@pytest.fixture
def loaded(db, document) -> dict[str, Any]:
    """The small knowledge file, loaded into the draft rows; returns the document."""
    knowledge_base_load(document=document)
    return document
