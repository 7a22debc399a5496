"""factory-boy factories for every knowledge-base model, and for admin users in their roles.

Each factory builds a valid row with plausible clinical values; override what the test is about.
"""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group, User

from conditions import knowledge_file
from conditions.models import (
    AgeBand,
    Condition,
    ConditionCategory,
    ConditionForm,
    ConditionPrior,
    DurationEvidence,
    Evidence,
    Finding,
    FormEvidence,
    KnowledgeBaseVersion,
    Population,
    QuestionnaireSection,
    RedFlagCriterion,
    RedFlagRule,
    Reference,
    Requirement,
    ScoringPolicy,
    TriageLevel,
)
from questionnaire.steps import Question

TEST_PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)
    is_staff = True

    class Meta:
        model = User
        skip_postgeneration_save = True

    @factory.post_generation
    def groups(self, create: bool, names: list[str] | None, **kwargs) -> None:
        _join_groups(self, create, names or [])


def _join_groups(user: User, create: bool, names: list[str]) -> None:
    # Saved here because the password is set after the first save (post-generation).
    if create:
        user.save()
        user.groups.add(*Group.objects.filter(name__in=names))


class CuratorFactory(UserFactory):
    """A staff user in the Curators group (created by migration 0003)."""

    @factory.post_generation
    def groups(self, create: bool, names: list[str] | None, **kwargs) -> None:
        _join_groups(self, create, names or ["Curators"])


class ReviewerFactory(UserFactory):
    """A staff user in the Reviewers group (created by migration 0003)."""

    @factory.post_generation
    def groups(self, create: bool, names: list[str] | None, **kwargs) -> None:
        _join_groups(self, create, names or ["Reviewers"])


class ReferenceFactory(factory.django.DjangoModelFactory):
    key = factory.Sequence(lambda n: f"author-{2000 + n % 25}-topic-{n}")
    citation = factory.LazyAttribute(lambda reference: f"Author A. A study ({reference.key}).")
    url = ""
    doi = factory.Sequence(lambda n: f"10.1000/test.{n}")
    note = ""

    class Meta:
        model = Reference
        django_get_or_create = ("key",)


class AgeBandFactory(factory.django.DjangoModelFactory):
    """Ten-year bands on a fixed grid, so bands made in one test never overlap."""

    min_age = factory.Sequence(lambda n: (n % 12) * 10)
    max_age = factory.LazyAttribute(lambda band: band.min_age + 9)
    code = factory.LazyAttribute(lambda band: f"{band.min_age}-{band.max_age}")

    class Meta:
        model = AgeBand
        django_get_or_create = ("code",)


class ScoringPolicyFactory(factory.django.DjangoModelFactory):
    id = 1
    plausible_probability = 0.10
    baseline_le_2_weeks = 0.30
    baseline_ge_6_weeks = 0.55
    baseline_ge_12_weeks = 0.45
    baseline_duration_reference = None
    baseline_duration_expert_estimate = True
    baseline_duration_note = ""

    class Meta:
        model = ScoringPolicy
        django_get_or_create = ("id",)


class FindingFactory(factory.django.DjangoModelFactory):
    code = factory.Sequence(lambda n: f"finding_{n}")
    question = factory.LazyAttribute(lambda finding: f"Do you have {finding.code}?")
    help_text = ""
    section = QuestionnaireSection.THE_PAIN
    order = factory.Sequence(lambda n: n)
    baseline_adult = 0.20
    baseline_child = 0.10
    baseline_reference = factory.SubFactory(ReferenceFactory)
    baseline_expert_estimate = False

    class Meta:
        model = Finding


class ConditionFactory(factory.django.DjangoModelFactory):
    code = factory.Sequence(lambda n: f"condition_{n}")
    name = factory.LazyAttribute(lambda condition: condition.code.replace("_", " ").capitalize())
    summary = "A condition that can cause hip pain."
    category = ConditionCategory.INFLAMMATORY
    min_age = 16
    max_age = 120
    female_share = 0.5
    female_share_expert_estimate = True
    urgency = TriageLevel.SOON

    class Meta:
        model = Condition


class OtherCausesFactory(ConditionFactory):
    code = "other_causes"
    name = "Something not on this list"
    category = ConditionCategory.OTHER
    is_other_causes = True
    min_age = None
    max_age = None
    urgency = TriageLevel.ROUTINE

    class Meta:
        model = Condition
        django_get_or_create = ("code",)


class ConditionPriorFactory(factory.django.DjangoModelFactory):
    condition = factory.SubFactory(ConditionFactory)
    age_band = factory.SubFactory(AgeBandFactory)
    probability = 0.05
    expert_estimate = True

    class Meta:
        model = ConditionPrior


class DurationEvidenceFactory(factory.django.DjangoModelFactory):
    condition = factory.SubFactory(ConditionFactory)
    le_2_weeks = 0.10
    ge_6_weeks = 0.70
    ge_12_weeks = 0.50
    expert_estimate = True

    class Meta:
        model = DurationEvidence


class EvidenceFactory(factory.django.DjangoModelFactory):
    condition = factory.SubFactory(ConditionFactory)
    finding = factory.SubFactory(FindingFactory)
    population = Population.ALL
    probability = 0.60
    reference = factory.SubFactory(ReferenceFactory)

    class Meta:
        model = Evidence


class ConditionFormFactory(factory.django.DjangoModelFactory):
    """A form of a condition; make two or more per condition with shares that add up to 1."""

    condition = factory.SubFactory(ConditionFactory)
    code = factory.Sequence(lambda n: f"form_{n}")
    name = factory.LazyAttribute(lambda form: form.code.replace("_", " ").capitalize())
    description = "The type that affects the knees and ankles."
    share = 0.5
    expert_estimate = True

    class Meta:
        model = ConditionForm


class FormEvidenceFactory(factory.django.DjangoModelFactory):
    form = factory.SubFactory(ConditionFormFactory)
    finding = factory.SubFactory(FindingFactory)
    population = Population.ALL
    probability = 0.60
    specificity = None
    reference = factory.SubFactory(ReferenceFactory)

    class Meta:
        model = FormEvidence


class RedFlagRuleFactory(factory.django.DjangoModelFactory):
    """A rule with one finding required present, so it satisfies the commit-time check."""

    code = factory.Sequence(lambda n: f"red_flag_{n}")
    name = "Suspected emergency"
    urgency = TriageLevel.EMERGENCY
    concern = "a condition that needs treating now"
    message = "Go to an emergency department now."
    if_unanswered = "If this applies to you, go to an emergency department now."
    reason = "A combination that needs examining now."
    expert_estimate = True
    present_finding = factory.RelatedFactory(
        "tests.factories.RedFlagCriterionFactory", factory_related_name="rule"
    )

    class Meta:
        model = RedFlagRule
        skip_postgeneration_save = True


class RedFlagCriterionFactory(factory.django.DjangoModelFactory):
    rule = factory.SubFactory(RedFlagRuleFactory, present_finding=None)
    finding = factory.SubFactory(FindingFactory)
    requirement = Requirement.PRESENT

    class Meta:
        model = RedFlagCriterion


class KnowledgeBaseVersionFactory(factory.django.DjangoModelFactory):
    """A published version; its document is a small valid knowledge file unless given."""

    number = factory.Sequence(lambda n: n + 1)
    document = factory.LazyFunction(lambda: knowledge_file.canonical(minimal_document()))
    checksum = factory.LazyAttribute(lambda version: knowledge_file.checksum(version.document))
    note = "published for a test"
    published_by = None

    class Meta:
        model = KnowledgeBaseVersion


def minimal_document() -> dict:
    """The smallest valid knowledge file: one finding, one named condition, other causes, a rule."""

    def sourced(**figures):
        return {**figures, "reference": None, "expert_estimate": True, "note": ""}

    bands = [
        {"code": "0-15", "min_age": 0, "max_age": 15},
        {"code": "16+", "min_age": 16, "max_age": 120},
    ]

    def condition(code: str, **fields) -> dict:
        return {
            "code": code,
            "name": code.replace("_", " ").capitalize(),
            "summary": "A condition that can cause hip pain.",
            "category": "inflammatory",
            "sex": sourced(female_share=0.5),
            "urgency": "soon",
            "priors": [sourced(band=band["code"], probability=0.5) for band in bands],
            "duration": sourced(le_2_weeks=0.1, ge_6_weeks=0.7, ge_12_weeks=0.5),
            "evidence": [sourced(finding="fever", probability=0.3)],
            **fields,
        }

    return {
        "format_version": 1,
        "scoring": {
            "plausible_probability": 0.1,
            "baseline_duration": sourced(le_2_weeks=0.3, ge_6_weeks=0.55, ge_12_weeks=0.45),
        },
        "age_bands": bands,
        "references": [
            {"key": "fischer-1999-limping-child", "citation": "Fischer SU, Beattie TF. 1999."}
        ],
        "findings": [
            {
                "code": "fever",
                "question": "Have you had a temperature of 38 °C or more?",
                "section": "warning_signs",
                "baseline": {
                    "adult": 0.02,
                    "child": 0.15,
                    "reference": "fischer-1999-limping-child",
                },
            },
            {
                "code": "unable_to_bear_weight",
                "question": "Are you unable to stand or walk on the leg?",
                "section": "warning_signs",
                "baseline": sourced(adult=0.03, child=0.1),
            },
        ],
        "conditions": [
            condition("septic_arthritis", urgency="emergency", category="infection"),
            condition(
                "other_causes",
                category="other",
                is_other_causes=True,
                urgency="routine",
                evidence=[sourced(finding="fever", probability=0.02)],
            ),
        ],
        "red_flag_rules": [
            {
                "code": "fever_unable_to_bear_weight",
                "name": "Possible septic arthritis",
                "urgency": "emergency",
                "requires_present": ["fever", "unable_to_bear_weight"],
                "concern": "an infection in the hip joint",
                "concern_conditions": ["septic_arthritis"],
                "message": "Go to an emergency department now.",
                "if_unanswered": "If you have a temperature and cannot stand, go to A&E now.",
                "reason": "Fever and unable to bear weight: septic arthritis until proven "
                "otherwise.",
                "expert_estimate": True,
            }
        ],
    }


class ClinicalVignetteFactory(factory.django.DjangoModelFactory):
    """A test-bench case in the shape of vignettes/README.md: a young man with inflammatory back
    and buttock pain, expected ankylosing spondylitis, routine."""

    code = factory.Sequence(lambda n: f"test-{n:02}")
    source = "ASAS criteria for inflammatory back pain (Sieper 2009)"
    narrative = "A 29-year-old man has had low back and buttock pain for over a year."
    answers = factory.LazyFunction(
        lambda: {
            "age": 29,
            "sex": "male",
            "duration_weeks": 60,
            "findings": {"low_back_pain": True, "pain_buttock": True, "fever": False},
        }
    )
    expected_top = "ankylosing_spondylitis"
    acceptable = factory.LazyFunction(lambda: ["psoriatic_arthritis"])
    expected_triage = TriageLevel.ROUTINE
    note = ""
    active = True

    class Meta:
        model = "bench.ClinicalVignette"


class QuestionFactory(factory.Factory):
    """One question as a questionnaire page asks it (``questionnaire.steps.Question``): its code
    as its text, on "The pain", yes / no / not sure, for every age."""

    code = factory.Sequence(lambda n: f"finding_{n}")
    text = factory.LazyAttribute(lambda question: f"{question.code}?")
    help_text = ""
    section = "the_pain"
    order = 0
    min_age = None
    max_age = None
    allows_not_sure = True
    follow_up_for = None

    class Meta:
        model = Question
