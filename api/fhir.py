"""The questionnaire as a FHIR R4 ``Questionnaire``, and one person's answers as a
``QuestionnaireResponse``, built as plain JSON-ready dicts.

Terminology: sex uses FHIR's administrative-gender; a finding is answered with HL7 v2 table 0136
Y / N, or data-absent-reason ``asked-unknown`` for "not sure". Findings themselves have no code in
a standard terminology, so they carry codes of a Symptomcheck CodeSystem (their knowledge-base
codes). The canonical URLs of the resources start from ``CANONICAL_BASE_URL`` (the site's public
address, a setting) followed by ``/fhir``; without it, from the address the request came to.

A warning sign left unanswered that would make the level more urgent (triage-policy.md §3) is
named on the ``QuestionnaireResponse`` by a complex extension (``UNANSWERED_WARNING_SIGN_URL``):
the red-flag rule's code, each unanswered finding (a Coding of the finding CodeSystem), the level
it would bring, what the person should do if it applies, and what it may mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from api.presentation import about_you_items, asked_findings
from api.schemas import AnswersIn
from api.validation import answers_from_validated
from conditions.engine import Assessment, Finding, KnowledgeBase, UnansweredWarningSign, assess
from questionnaire.steps import ABOUT_YOU, STEP_TITLES

QUESTIONNAIRE_ID = "hip-pain"
FROM_ANSWERS_OPERATION = "from-answers"
FHIR_VERSION = "4.0.1"
FHIR_JSON = "application/fhir+json; fhirVersion=4.0"

YES_NO_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0136"
DATA_ABSENT_REASON_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
GENDER_SYSTEM = "http://hl7.org/fhir/administrative-gender"
UCUM_SYSTEM = "http://unitsofmeasure.org"
ITEM_CONTROL_EXTENSION = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
MIN_VALUE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/maxValue"
UNIT_EXTENSION = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"

# Displays are the code systems' own, as FHIR asks; a form renderer may word them for patients.
YES = {"system": YES_NO_SYSTEM, "code": "Y", "display": "Yes"}
NO = {"system": YES_NO_SYSTEM, "code": "N", "display": "No"}
NOT_SURE = {
    "system": DATA_ABSENT_REASON_SYSTEM,
    "code": "asked-unknown",
    "display": "Asked But Unknown",
}
SEXES = {
    "female": {"system": GENDER_SYSTEM, "code": "female", "display": "Female"},
    "male": {"system": GENDER_SYSTEM, "code": "male", "display": "Male"},
}
WEEKS = {"system": UCUM_SYSTEM, "code": "wk", "display": "week"}


@dataclass(frozen=True, slots=True)
class Canonical:
    """The canonical URLs of this server's FHIR resources, under ``base`` (``…/fhir``)."""

    base: str

    @property
    def questionnaire(self) -> str:
        return f"{self.base}/Questionnaire/{QUESTIONNAIRE_ID}"

    @property
    def finding_system(self) -> str:
        return f"{self.base}/CodeSystem/finding"

    @property
    def unanswered_warning_sign(self) -> str:
        return f"{self.base}/StructureDefinition/unanswered-warning-sign"

    @property
    def from_answers(self) -> str:
        return f"{self.base}/OperationDefinition/QuestionnaireResponse-{FROM_ANSWERS_OPERATION}"


def canonical_for(request: HttpRequest) -> Canonical:
    """``CANONICAL_BASE_URL`` + ``/fhir``, or else the address this request came to."""
    root = settings.CANONICAL_BASE_URL or request.build_absolute_uri("/")
    return Canonical(f"{root.rstrip('/')}/fhir")


def capability_statement(canonical: Canonical, *, date: datetime) -> dict[str, Any]:
    """What this server does, as a FHIR R4 ``CapabilityStatement`` (GET /fhir/metadata)."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date.isoformat(timespec="seconds"),
        "publisher": "Symptomcheck",
        "kind": "instance",
        "software": {"name": "Symptomcheck"},
        "implementation": {
            "description": "Symptomcheck: hip pain, how urgently to see a professional",
            "url": canonical.base,
        },
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "resource": [
                    {"type": "Questionnaire", "interaction": [{"code": "read"}]},
                    {
                        "type": "QuestionnaireResponse",
                        "operation": [
                            {
                                "name": FROM_ANSWERS_OPERATION,
                                "definition": canonical.from_answers,
                                "documentation": (
                                    "POST the answers body of POST /api/v1/assessments; returns "
                                    "the completed QuestionnaireResponse."
                                ),
                            }
                        ],
                    },
                ],
            }
        ],
    }


def questionnaire_resource(knowledge_base: KnowledgeBase, canonical: Canonical) -> dict[str, Any]:
    """The published questionnaire as a FHIR R4 ``Questionnaire`` (version = knowledge base)."""
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": canonical.questionnaire,
        "version": str(knowledge_base.version),
        "name": "HipPainQuestionnaire",
        "title": "Hip pain: how urgently to see a professional",
        "status": "active",
        "experimental": False,
        "subjectType": ["Patient"],
        "publisher": "Symptomcheck",
        "description": (
            "Questions for a person with hip pain. The answers give guidance on how urgently to "
            "see a professional and which conditions could fit: guidance, not a diagnosis."
        ),
        "item": [
            {
                "linkId": ABOUT_YOU,
                "text": str(STEP_TITLES[ABOUT_YOU]),
                "type": "group",
                "required": True,
                "item": [_about_you_item(item) for item in about_you_items()],
            },
            *(
                {
                    "linkId": section,
                    "text": str(STEP_TITLES.get(section, section)),
                    "type": "group",
                    "item": [_finding_item(finding, canonical) for finding in findings],
                }
                for section, findings in _findings_by_section(knowledge_base).items()
            ),
        ],
    }


def questionnaire_response_resource(
    answers: AnswersIn,
    knowledge_base: KnowledgeBase,
    canonical: Canonical,
    *,
    authored: datetime,
    assessment: Assessment | None = None,
) -> dict[str, Any]:
    """One person's answers as a completed ``QuestionnaireResponse`` to that questionnaire.

    A finding left out is not answered; one sent as null is answered "not sure". A finding
    answered at an age the questionnaire does not ask it is left out (it would break the
    questionnaire's enableWhen). The warning signs these answers leave open are named by
    extensions; ``assessment`` is the engine's assessment of ``answers`` (assessed here if not
    given).
    """
    if assessment is None:
        assessment = assess(knowledge_base, answers_from_validated(answers, knowledge_base))
    values = {
        "age": {"valueInteger": answers.age},
        "sex": {"valueCoding": SEXES[answers.sex]},
        "duration_weeks": None
        if answers.duration_weeks is None
        else {"valueDecimal": answers.duration_weeks},
    }
    items = [
        {
            "linkId": ABOUT_YOU,
            "text": str(STEP_TITLES[ABOUT_YOU]),
            "item": [
                {"linkId": item["code"], "text": item["question"], "answer": [values[item["code"]]]}
                for item in about_you_items()
                if values[item["code"]] is not None
            ],
        }
    ]
    for section, findings in _findings_by_section(knowledge_base).items():
        answered = [
            {
                "linkId": finding.code,
                "text": finding.question,
                "answer": [{"valueCoding": _answer_coding(answers.findings[finding.code])}],
            }
            for finding in findings
            if finding.code in answers.findings and _asked_at(finding, answers.age)
        ]
        if answered:
            items.append(
                {
                    "linkId": section,
                    "text": str(STEP_TITLES.get(section, section)),
                    "item": answered,
                }
            )
    resource: dict[str, Any] = {"resourceType": "QuestionnaireResponse"}
    if assessment.unanswered_warning_signs:
        resource["extension"] = [
            _unanswered_warning_sign(sign, canonical)
            for sign in assessment.unanswered_warning_signs
        ]
    return {
        **resource,
        "questionnaire": f"{canonical.questionnaire}|{knowledge_base.version}",
        "status": "completed",
        "authored": authored.isoformat(timespec="seconds"),
        "item": items,
    }


def _unanswered_warning_sign(sign: UnansweredWarningSign, canonical: Canonical) -> dict[str, Any]:
    """A complex extension: rule, finding (one per unanswered finding), urgency, message, concern.

    FHIR strings may not be empty: a message or concern a rule was published without is left out.
    """
    parts: list[dict[str, Any]] = [{"url": "rule", "valueCode": sign.rule}]
    parts += [
        {"url": "finding", "valueCoding": {"system": canonical.finding_system, "code": code}}
        for code in sign.findings
    ]
    parts.append({"url": "urgency", "valueCode": str(sign.urgency)})
    parts += [
        {"url": name, "valueString": text}
        for name, text in (("message", sign.message), ("concern", sign.concern))
        if text.strip()
    ]
    return {"url": canonical.unanswered_warning_sign, "extension": parts}


def fhir_string(text: str) -> str:
    """``text`` as a FHIR string may hold it: whitespace other than space, tab, CR and LF (a form
    feed in a client's field name) becomes U+FFFD, so an error about it is still valid FHIR."""
    return "".join(
        "\ufffd" if character.isspace() and character not in " \t\r\n" else character
        for character in text
    )


def operation_outcome(issues: list[Mapping[str, str]]) -> dict[str, Any]:
    """A FHIR ``OperationOutcome``; each issue has ``severity``, ``code``, ``message`` and,
    when it concerns one field of the request, ``field``."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": issue["severity"],
                "code": issue["code"],
                "details": {"text": fhir_string(issue["message"])},
                **({"expression": [fhir_string(issue["field"])]} if issue.get("field") else {}),
            }
            for issue in issues
        ],
    }


def _findings_by_section(knowledge_base: KnowledgeBase) -> dict[str, list[Finding]]:
    by_section: dict[str, list[Finding]] = {}
    for finding in asked_findings(knowledge_base):
        by_section.setdefault(finding.section, []).append(finding)
    return by_section


def _about_you_item(item: Mapping[str, Any]) -> dict[str, Any]:
    code = item["code"]
    fhir_item: dict[str, Any] = {"linkId": code, "text": item["question"]}
    if code == "age":
        fhir_item["type"] = "integer"
        fhir_item["extension"] = [
            {"url": MIN_VALUE_EXTENSION, "valueInteger": item["minimum"]},
            {"url": MAX_VALUE_EXTENSION, "valueInteger": item["maximum"]},
        ]
    elif code == "sex":
        fhir_item["type"] = "choice"
        fhir_item["answerOption"] = [{"valueCoding": SEXES[option]} for option in item["options"]]
    else:
        # Decimal, not integer: the API and the engine accept part weeks.
        fhir_item["type"] = "decimal"
        fhir_item["extension"] = [
            {"url": MIN_VALUE_EXTENSION, "valueDecimal": item["minimum"]},
            {"url": MAX_VALUE_EXTENSION, "valueDecimal": item["maximum"]},
            {"url": UNIT_EXTENSION, "valueCoding": WEEKS},
        ]
    fhir_item["required"] = item["required"]
    if item["help_text"]:
        fhir_item["item"] = [_help_item(code, item["help_text"])]
    return fhir_item


def _finding_item(finding: Finding, canonical: Canonical) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": finding.code,
        "code": [{"system": canonical.finding_system, "code": finding.code}],
        "text": finding.question,
        "type": "choice",
        "required": False,
        "answerOption": [
            {"valueCoding": coding}
            for coding in ((YES, NO, NOT_SURE) if finding.allows_not_sure else (YES, NO))
        ],
    }
    conditions: list[dict[str, Any]] = []
    if finding.follow_up_for is not None:
        # Asked only after "not sure" to the finding it follows up.
        conditions.append(
            {"question": finding.follow_up_for, "operator": "=", "answerCoding": NOT_SURE}
        )
    if finding.min_age is not None:
        conditions.append({"question": "age", "operator": ">=", "answerInteger": finding.min_age})
    if finding.max_age is not None:
        conditions.append({"question": "age", "operator": "<=", "answerInteger": finding.max_age})
    if conditions:
        item["enableWhen"] = conditions
        if len(conditions) > 1:
            item["enableBehavior"] = "all"
    if finding.help_text:
        item["item"] = [_help_item(finding.code, finding.help_text)]
    return item


def _help_item(code: str, text: str) -> dict[str, Any]:
    """The help text as a child display item, shown as help (SDC itemControl)."""
    return {
        "linkId": f"{code}.help",
        "text": text,
        "type": "display",
        "extension": [
            {
                "url": ITEM_CONTROL_EXTENSION,
                "valueCodeableConcept": {
                    "coding": [
                        {"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help-Button"}
                    ]
                },
            }
        ],
    }


def _answer_coding(present: bool | None) -> dict[str, str]:
    if present is None:
        return NOT_SURE
    return YES if present else NO


def _asked_at(finding: Finding, age: int) -> bool:
    if finding.min_age is not None and age < finding.min_age:
        return False
    return finding.max_age is None or age <= finding.max_age
