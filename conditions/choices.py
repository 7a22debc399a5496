"""The enumerations of the knowledge format (docs/knowledge-format.md).

Shared by the models and the knowledge-file validator, so the file and the database accept exactly
the same values.
"""

from django.db import models

from conditions.engine.knowledge_format import QUESTIONNAIRE_SECTIONS


class TriageLevel(models.TextChoices):
    """How urgently to see a professional, most urgent first.

    The values equal those of conditions.engine.Triage; a test keeps them equal.
    """

    EMERGENCY = "emergency", "Emergency department now"
    URGENT = "urgent", "See a doctor today"
    SOON = "soon", "See a doctor within a few days"
    ROUTINE = "routine", "Routine appointment"
    SELF_CARE = "self_care", "Self-care"


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", "Yes / no / not sure"


# The headings curators and people read, in the order of the sections the knowledge document
# declares (conditions.engine.knowledge_format.QUESTIONNAIRE_SECTIONS, where the codes are
# written once).
_SECTION_LABELS = (
    "Warning signs",
    "Where it hurts",
    "The pain",
    "Stiffness and nights",
    "Other joints",
    "Skin, eyes and bowels",
    "General health",
)
QuestionnaireSection = models.TextChoices(
    "QuestionnaireSection",
    [
        (code.upper(), (code, label))
        for code, label in zip(QUESTIONNAIRE_SECTIONS, _SECTION_LABELS, strict=True)
    ],
)
QuestionnaireSection.__doc__ = (
    "Sections of the questionnaire, in the order the person meets them (after “About you”)."
)


class ConditionCategory(models.TextChoices):
    INFLAMMATORY = "inflammatory", "Inflammatory"
    MECHANICAL = "mechanical", "Mechanical"
    INFECTION = "infection", "Infection"
    INJURY = "injury", "Injury"
    CHILDRENS_HIP = "childrens_hip", "Children's hip"
    OTHER = "other", "Other"


class Population(models.TextChoices):
    """Who an evidence row describes: children are under 16, adults 16 and over."""

    ALL = "all", "Everyone"
    ADULT = "adult", "Adults (16 and over)"
    CHILD = "child", "Children (under 16)"


class Requirement(models.TextChoices):
    """What a red-flag rule needs of one finding's answer."""

    PRESENT = "present", "Must be answered yes"
    ABSENT = "absent", "Must be answered no"
    ANY_OF = "any_of", "One of the “any of” findings answered yes"
    # Not needed for the rule to fire: a confirmed "no" (e.g. "can bear weight") lets the rule's
    # own level stand in for its concern conditions' levels (triage-policy.md §1, the exception).
    QUALIFIER_ABSENT = "qualifier_absent", "Qualifier: answered no before the rule caps its concern"
