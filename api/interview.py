"""The adaptive interview over the API: the next questions for the answers so far (stateless).

Like Infermedica's diagnosis endpoint, the client sends every answer again on each call, and a
finding sent as null was asked and answered "not sure"; a finding left out has not been asked.
"""

from __future__ import annotations

from typing import Any

from api.presentation import assessment_payload, finding_payload
from api.schemas import AnswersIn
from conditions.engine import Answers, KnowledgeBase
from conditions.engine.interview import next_step
from questionnaire.steps import is_child, wording_for


def interview_payload(
    knowledge_base: KnowledgeBase, answers: Answers, body: AnswersIn
) -> dict[str, Any]:
    """The next step of the interview for ``answers`` (the validated body ``body``)."""
    asked = [code for code in body.findings if knowledge_base.has_finding(code)]
    step = next_step(knowledge_base, answers, asked)
    warning = step.warning_signs
    return {
        "knowledge_base_version": knowledge_base.version,
        "should_stop": step.should_stop,
        "stop_reason": str(step.reason),
        "questions_asked": step.asked,
        "questions": [
            _question(knowledge_base, code, warning_sign=warning, age=answers.age)
            for code in step.questions
        ],
        "assessment": assessment_payload(
            step.assessment, knowledge_base, for_child=is_child(answers.age)
        ),
    }


def _question(
    knowledge_base: KnowledgeBase, code: str, *, warning_sign: bool, age: int
) -> dict[str, Any]:
    """One question, worded for a person of this age as the pages word it."""
    finding = knowledge_base.findings[code]
    question, help_text = wording_for(finding, age)
    return {
        **finding_payload(finding),
        "question": question,
        "help_text": help_text,
        "warning_sign": warning_sign,
    }
