import pytest

from conditions.engine import KnowledgeBaseError, Triage, knowledge_base_from_document

from .kb_documents import (
    condition,
    document,
    evidence,
    finding,
    hip_document,
    knowledge_base,
    other_causes,
    rule,
)


def test_named_conditions_are_sorted_by_code_and_other_causes_is_apart():
    kb = knowledge_base()
    codes = [condition.code for condition in kb.conditions]
    assert codes == sorted(codes)
    assert "other_causes" not in codes
    assert kb.other_causes.code == "other_causes"


def test_knowledge_base_looks_up_findings_and_conditions_by_code():
    kb = knowledge_base()
    assert kb.has_finding("fever")
    assert not kb.has_finding("third_eye")
    assert kb.condition("septic_arthritis").urgency is Triage.EMERGENCY
    assert kb.condition("other_causes") is kb.other_causes
    assert kb.has_condition("other_causes")
    assert not kb.has_condition("gout")


def test_knowledge_base_keeps_its_version_and_threshold():
    kb = knowledge_base(version=7)
    assert kb.version == 7
    assert kb.plausible_probability == pytest.approx(0.10)


def test_findings_cannot_be_changed_after_building():
    kb = knowledge_base()
    with pytest.raises(TypeError):
        kb.findings["fever"] = None


def test_a_document_without_other_causes_is_refused():
    source = hip_document()
    source["conditions"] = [c for c in source["conditions"] if c["code"] != "other_causes"]
    with pytest.raises(KnowledgeBaseError, match="other_causes"):
        knowledge_base_from_document(source, version=1)


def test_evidence_naming_an_unknown_finding_is_refused():
    source = document(
        findings=[finding("fever")],
        conditions=[condition("gout", {"50+": 0.1}, [evidence("toe_pain", 0.9)]), other_causes()],
    )
    with pytest.raises(KnowledgeBaseError, match="toe_pain"):
        knowledge_base_from_document(source, version=1)


@pytest.mark.parametrize("probability", [0.0, 1.0, 1.5])
def test_evidence_probability_must_lie_strictly_between_0_and_1(probability):
    source = document(
        findings=[finding("fever")],
        conditions=[
            condition("gout", {"50+": 0.1}, [evidence("fever", probability)]),
            other_causes(),
        ],
    )
    with pytest.raises(KnowledgeBaseError, match="within"):
        knowledge_base_from_document(source, version=1)


def test_a_rule_naming_an_unknown_finding_is_refused():
    source = document(
        findings=[finding("fever")],
        conditions=[other_causes()],
        red_flag_rules=[rule("odd", "urgent", requires_present=["third_eye"])],
    )
    with pytest.raises(KnowledgeBaseError, match="third_eye"):
        knowledge_base_from_document(source, version=1)


def test_duplicate_condition_codes_are_refused():
    source = document(
        findings=[finding("fever")],
        conditions=[
            condition("gout", {"50+": 0.1}),
            condition("gout", {"50+": 0.2}),
            other_causes(),
        ],
    )
    with pytest.raises(KnowledgeBaseError, match="gout"):
        knowledge_base_from_document(source, version=1)


def test_a_missing_key_is_reported_as_a_knowledge_base_error():
    source = hip_document()
    del source["scoring"]
    with pytest.raises(KnowledgeBaseError):
        knowledge_base_from_document(source, version=1)


def test_other_causes_with_a_zero_prior_in_some_band_is_refused():
    remainder = other_causes()
    remainder["priors"][0]["probability"] = 0.0
    source = document(
        findings=[finding("fever")], conditions=[condition("gout", {"50+": 0.1}), remainder]
    )
    with pytest.raises(KnowledgeBaseError, match="every age band"):
        knowledge_base_from_document(source, version=1)


def test_a_condition_missing_the_prior_of_a_band_is_refused():
    gout = condition("gout", {"50+": 0.1})
    del gout["priors"][0]
    source = document(findings=[finding("fever")], conditions=[gout, other_causes()])
    with pytest.raises(KnowledgeBaseError, match="one row per age band"):
        knowledge_base_from_document(source, version=1)


def test_a_malformed_entry_is_named_in_the_error():
    source = hip_document()
    del source["conditions"][1]["priors"]
    with pytest.raises(KnowledgeBaseError, match=r"conditions rheumatoid_arthritis: .*priors"):
        knowledge_base_from_document(source, version=1)


def test_duration_is_reserved_and_cannot_be_a_finding_code():
    source = document(findings=[finding("duration")], conditions=[other_causes()])
    with pytest.raises(KnowledgeBaseError, match="reserved"):
        knowledge_base_from_document(source, version=1)
