"""The doctor's summary as a PDF: every question beside its answer on one page, page numbers,
answers grouped by the questionnaire's steps, and not one warning from WeasyPrint."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from questionnaire.steps import STEP_TITLES
from tests.production.helpers import Walk, walk_to_result

pytestmark = pytest.mark.django_db

WIZARD = "questionnaire_wizard"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def walk_with_every_kind_of_answer(client: Client, *, age: int, sex: str, offset: int) -> None:
    """Answer every question the interview asks at ``age``: yes, no and not sure in turn
    (warning signs "not sure" where allowed, else "no", so no emergency stops the walk);
    ``offset`` shifts the turn, so that each walk puts different lines, of different lengths,
    at the foot of a page."""
    walk_to_result(client, Walk(age=age, sex=sex, weeks=30, every_kind=offset))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_pages(client: Client, *, keep_as: str = "") -> list[str]:
    """The text of each page of the summary's PDF (kept in test-artifacts/ under ``keep_as``)."""
    response = client.get("/result/summary.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    if keep_as:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / keep_as).write_bytes(response.content)
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(response.content)).pages]


def stored_lines(client: Client) -> list[dict[str, Any]]:
    from questionnaire.views import SESSION_RESULT_KEY

    return client.session[SESSION_RESULT_KEY]["lines"]


WALKS = [
    pytest.param(47, "female", 0, id="woman-47"),
    pytest.param(68, "male", 1, id="man-68"),
    pytest.param(26, "male", 2, id="man-26"),
    pytest.param(9, "female", 1, id="girl-9"),
]


@pytest.mark.parametrize(("age", "sex", "offset"), WALKS)
def test_no_question_is_on_one_page_and_its_answer_on_the_next(client, published, age, sex, offset):
    walk_with_every_kind_of_answer(client, age=age, sex=sex, offset=offset)
    lines = stored_lines(client)
    pages = pdf_pages(client)

    # The interview asks about 12 to 22 questions (it was 41 before issue 16): with the result
    # above them, still more than a page.
    assert len(lines) >= 15, "too few answers to fill a page: the test would prove nothing"
    assert len(pages) >= 2, "the summary fits one page: no page break to test"
    pages_holding_answers = set()
    for line in lines:
        question, answer = flat(line["question"]), flat(line["answer"])
        on = [number for number, text in enumerate(pages) if question in text]
        assert on, f"question not found in the PDF: {question!r}"
        # The answer follows its question on the same page (a question at the foot of a page
        # would be followed by the page number, or by nothing).
        assert any(f"{question} {answer}" in pages[number] for number in on), (
            f"{question!r} is not followed by its answer {answer!r} on page {on[0] + 1}"
        )
        pages_holding_answers.update(on)
    assert len(pages_holding_answers) >= 2, "the answers fit one page: no break among them"


def test_every_page_is_numbered_page_n_of_total(client, published):
    walk_with_every_kind_of_answer(client, age=47, sex="female", offset=0)
    pages = pdf_pages(client, keep_as="summary-woman-47.pdf")

    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text


def test_the_answers_are_grouped_under_the_steps_of_the_questionnaire(client, published):
    walk_with_every_kind_of_answer(client, age=47, sex="female", offset=0)
    lines = stored_lines(client)
    # Grouped by the part of the questionnaire, in its order, whichever page asked them.
    steps_answered = [step for step in STEP_TITLES if any(line["step"] == step for line in lines)]
    titles = [str(STEP_TITLES[step]) for step in steps_answered]
    assert len(titles) >= 4

    html = client.get("/result/summary/").content.decode()
    html_headings = re.findall(r'<h3 class="answer-group__title"[^>]*>([^<]*)</h3>', html)
    assert html_headings == titles

    pdf = " ".join(pdf_pages(client))
    # Each step's heading in order, after "Answers"; each answer under its own step's heading.
    at = [pdf.index("Answers")]
    for title in titles:
        at.append(pdf.index(title, at[-1]))
    at.append(len(pdf))
    for line in lines:
        index = steps_answered.index(line["step"]) + 1
        after_heading = at[index] + len(titles[index - 1])
        assert pdf.index(flat(line["question"]), after_heading) < at[index + 1], line


def test_weasyprint_logs_no_warning_while_rendering_the_summary(client, published, caplog):
    walk_with_every_kind_of_answer(client, age=47, sex="female", offset=0)
    caplog.set_level(logging.DEBUG, logger="weasyprint")

    assert len(pdf_pages(client)) >= 2

    weasyprint_records = [r for r in caplog.records if r.name.startswith("weasyprint")]
    warnings = [r for r in weasyprint_records if r.levelno >= logging.WARNING]
    assert warnings == [], f"{len(warnings)} warnings, first: {warnings[0].getMessage()}"
    # The logger was listening: WeasyPrint reports its steps at INFO / DEBUG level.
    assert weasyprint_records, "nothing from WeasyPrint was captured: the test would prove nothing"
