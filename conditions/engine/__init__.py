"""The Symptomcheck engine: pure Python, no Django.

``knowledge_base_from_document`` turns a published knowledge document into a frozen
``KnowledgeBase``; ``assess`` turns ``Answers`` into an ``Assessment`` (triage level with its
reasons, ranked conditions with their explanations). The method is in ``scoring``'s docstring
and docs/engine.md.
"""

from .answers import Answers, AnswersError, answers_from_mapping
from .assessment import Assessment, Contribution, RankedCondition, RankedConditions, assess
from .explanation import Direction, Fit, FittingCondition, Reason, conditions_that_fit
from .knowledge import (
    AgeBand,
    Condition,
    DurationProfile,
    Evidence,
    Finding,
    KnowledgeBase,
    KnowledgeBaseError,
    RedFlagRule,
    ResultThresholds,
)
from .knowledge_document import knowledge_base_from_document
from .people import Population, Sex
from .scoring import DurationBin
from .triage import Triage, most_urgent
from .triage_rules import ReasonKind, TriageReason, UnansweredWarningSign

__all__ = [
    "AgeBand",
    "Answers",
    "AnswersError",
    "Assessment",
    "Condition",
    "Contribution",
    "Direction",
    "DurationBin",
    "DurationProfile",
    "Evidence",
    "Finding",
    "Fit",
    "FittingCondition",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Population",
    "RankedCondition",
    "RankedConditions",
    "Reason",
    "ReasonKind",
    "RedFlagRule",
    "ResultThresholds",
    "Sex",
    "Triage",
    "TriageReason",
    "UnansweredWarningSign",
    "answers_from_mapping",
    "assess",
    "conditions_that_fit",
    "knowledge_base_from_document",
    "most_urgent",
]
