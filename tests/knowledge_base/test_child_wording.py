"""A finding's wording for a child's parent travels from the knowledge file to the engine.

``question_for_child`` and ``help_text_for_child`` (issue 16) were added by declaring them in the
knowledge document, the model (with its migration) and the admin only: this checks that loading,
publishing and the engine's snapshot carry them with no other change.
"""

from __future__ import annotations

from conditions.engine import knowledge_base_from_document
from conditions.models import Finding
from conditions.selectors import knowledge_base_document
from conditions.services import knowledge_base_load_and_publish_first

QUESTION = "Has your child had a fever (38 °C or more) since the pain began?"
HELP_TEXT = "Measured with a thermometer, or your child felt hot and shivery."


def test_a_wording_for_a_child_is_loaded_published_and_read_by_the_engine(db, document):
    fever = next(entry for entry in document["findings"] if entry["code"] == "fever")
    fever["question_for_child"] = QUESTION
    fever["help_text_for_child"] = HELP_TEXT

    _report, version = knowledge_base_load_and_publish_first(document=document, note="child")

    row = Finding.objects.get(code="fever")
    assert (row.question_for_child, row.help_text_for_child) == (QUESTION, HELP_TEXT)
    published = {entry["code"]: entry for entry in version.document["findings"]}
    assert published["fever"]["question_for_child"] == QUESTION
    assert published["fever"]["help_text_for_child"] == HELP_TEXT
    assert published["unable_to_bear_weight"]["question_for_child"] == ""
    snapshot = knowledge_base_from_document(version.document, version=version.number)
    assert snapshot.findings["fever"].question_for_child == QUESTION
    assert snapshot.findings["fever"].help_text_for_child == HELP_TEXT
    assert snapshot.findings["unable_to_bear_weight"].question_for_child == ""
    assert knowledge_base_document() == version.document


def test_a_version_published_before_the_wording_existed_still_builds(db, document):
    _report, version = knowledge_base_load_and_publish_first(document=document, note="first")
    older = {
        **version.document,
        "findings": [
            {
                name: value
                for name, value in entry.items()
                if name not in ("question_for_child", "help_text_for_child")
            }
            for entry in version.document["findings"]
        ],
    }
    snapshot = knowledge_base_from_document(older, version=1)
    assert snapshot.findings["fever"].question_for_child == ""
