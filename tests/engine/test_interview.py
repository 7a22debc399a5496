"""The adaptive interview (issue 16): warning signs first, the most useful question next, a stop
rule that never leaves a warning sign unasked, and the simulated person of the evaluation."""

from __future__ import annotations

from conditions.engine import Answers, Triage, assess
from conditions.engine.interview import (
    InterviewPolicy,
    StopReason,
    next_step,
    simulate,
)
from tests.engine.kb_documents import answers, hip_document, knowledge_base

# Age, sex, how long and which side (the policy's default; the seeded data says the same).
OPENING_QUESTIONS = InterviewPolicy().opening_questions

WARNING_SIGNS = {
    "fever",
    "feels_hot_or_shivery",
    "recent_trauma",
    "unable_to_bear_weight",
    "limp",
    "saddle_numbness_or_bladder_change",
    "new_headache_or_jaw_pain",
}


def test_the_first_questions_are_warning_signs(seeded_knowledge_base):
    step = next_step(seeded_knowledge_base, answers(age=6, sex="male", duration_weeks=1), asked=())
    assert step.warning_signs
    assert step.questions
    assert set(step.questions) <= WARNING_SIGNS
    assert not step.should_stop
    assert step.asked == seeded_knowledge_base.interview_policy.opening_questions == 4


def test_the_same_answers_give_the_same_questions(seeded_knowledge_base):
    person = answers(age=52, sex="female", duration_weeks=10, fever=False, recent_trauma=False)
    first = next_step(seeded_knowledge_base, person, asked={"fever", "recent_trauma"})
    again = next_step(seeded_knowledge_base, person, asked={"recent_trauma", "fever"})
    assert first.questions == again.questions


# For a 38-year-old, one "no" to each of these closes every warning-sign rule that could raise
# the level: a temperature, a fall, numbness of the saddle, a cancer.
ADULT_GATES = ("fever", "recent_trauma", "saddle_numbness_or_bladder_change", "history_of_cancer")


def test_an_adult_is_asked_one_finding_per_warning_sign_first_on_one_page(seeded_knowledge_base):
    adult = answers(age=38, sex="female", duration_weeks=8)
    step = next_step(seeded_knowledge_base, adult, asked=())
    assert step.warning_signs
    assert sorted(step.questions) == sorted(ADULT_GATES)  # across sections, one page


def test_no_warning_sign_closes_them_all_after_one_page(seeded_knowledge_base):
    adult = answers(age=38, sex="female", duration_weeks=8, **dict.fromkeys(ADULT_GATES, False))
    step = next_step(seeded_knowledge_base, adult, asked=ADULT_GATES)
    assert not step.warning_signs  # not "can you bear weight?", night pain or weight loss
    assert not {"unable_to_bear_weight", "night_pain", "weight_loss"} & set(step.questions)


def test_a_warning_sign_left_open_asks_the_rest_of_its_rule_next(seeded_knowledge_base):
    not_sure_of_cancer = answers(
        age=38,
        sex="female",
        duration_weeks=8,
        fever=False,
        recent_trauma=True,
        saddle_numbness_or_bladder_change=False,
    )
    step = next_step(seeded_knowledge_base, not_sure_of_cancer, asked=ADULT_GATES)
    assert step.warning_signs
    # A fall: can you bear weight? A cancer not ruled out: night pain, weight loss.
    assert set(step.questions) == {"unable_to_bear_weight", "night_pain", "weight_loss"}


def test_a_warning_page_holds_at_most_its_size(seeded_knowledge_base):
    small = InterviewPolicy(warning_page_size=2)
    step = next_step(seeded_knowledge_base, answers(age=70, duration_weeks=8), (), small)
    assert step.warning_signs
    assert len(step.questions) == 2


def test_a_not_sure_temperature_is_followed_up_at_once(seeded_knowledge_base):
    step = next_step(seeded_knowledge_base, answers(age=40, duration_weeks=1), asked={"fever"})
    assert step.questions[0] == "feels_hot_or_shivery"
    assert step.warning_signs


def test_questions_a_person_is_too_young_for_are_never_asked(seeded_knowledge_base):
    child = answers(age=8, sex="male", duration_weeks=2, fever=False)
    _assessment, pages, _reason = simulate(seeded_knowledge_base, child)
    asked = {code for page in pages for code in page}
    assert "alcohol_excess" not in asked
    assert "known_rheumatoid_arthritis" not in asked
    assert all(
        seeded_knowledge_base.findings[code].min_age is None
        or seeded_knowledge_base.findings[code].min_age <= 8
        for code in asked
    )


def test_it_never_stops_with_a_warning_sign_unasked_even_past_its_maximum(seeded_knowledge_base):
    tiny = InterviewPolicy(min_questions=0, max_questions=OPENING_QUESTIONS)
    step = next_step(
        seeded_knowledge_base, answers(age=85, duration_weeks=0), asked=(), policy=tiny
    )
    assert not step.should_stop
    # Both emergencies open at 85 (a broken hip, an infected joint) need it: one "no" closes both.
    assert "unable_to_bear_weight" in step.questions


def test_it_stops_at_its_maximum_once_the_warning_signs_are_answered(seeded_knowledge_base):
    tiny = InterviewPolicy(min_questions=0, max_questions=OPENING_QUESTIONS)
    person = answers(age=45, duration_weeks=8)
    asked: set[str] = set()
    for _ in range(10):
        step = next_step(seeded_knowledge_base, person, asked=asked, policy=tiny)
        if step.should_stop:
            break
        assert step.warning_signs  # only warning signs may go past the maximum
        asked.update(step.questions)
    assert step.should_stop
    assert step.reason is StopReason.MAXIMUM_REACHED


def test_it_stops_when_every_question_has_been_asked():
    knowledge = knowledge_base(hip_document())
    person = answers(age=40, duration_weeks=20, **dict.fromkeys(knowledge.findings, False))
    step = next_step(knowledge, person, asked=knowledge.findings)
    assert step.should_stop
    assert step.reason is StopReason.ALL_ASKED
    assert step.questions == ()


def test_it_stops_when_confident_and_no_answer_can_change_the_urgency(seeded_knowledge_base):
    eager = InterviewPolicy(min_questions=0, stop_top_probability=0.0, stop_top_ratio=0.0)
    person = answers(
        age=70, sex="female", duration_weeks=0, recent_trauma=True, unable_to_bear_weight=True
    )
    step = next_step(seeded_knowledge_base, person, asked=WARNING_SIGNS, policy=eager)
    assert step.assessment.triage is Triage.EMERGENCY  # nothing can raise it further
    assert step.should_stop
    assert step.reason is StopReason.CONFIDENT


def test_the_simulated_emergency_is_still_an_emergency(seeded_knowledge_base):
    child = answers(
        age=4, sex="male", duration_weeks=0, fever=True, unable_to_bear_weight=True, limp=True
    )
    final, pages, reason = simulate(seeded_knowledge_base, child)
    assert final.triage is Triage.EMERGENCY
    assert final.triage is assess(seeded_knowledge_base, child).triage
    assert pages[0]  # it asked something before deciding
    assert reason is not StopReason.NOT_YET


def test_an_interview_asks_fewer_questions_than_the_questionnaire(seeded_knowledge_base):
    person = answers(
        age=34,
        sex="female",
        duration_weeks=10,
        malar_rash=True,
        photosensitive_rash=True,
        mouth_ulcers=True,
        fatigue=True,
        other_joints_swollen=True,
        fever=False,
        recent_trauma=False,
    )
    _final, pages, _reason = simulate(seeded_knowledge_base, person)
    asked = OPENING_QUESTIONS + sum(len(page) for page in pages)
    assert (
        asked
        <= seeded_knowledge_base.interview_policy.max_questions
        < OPENING_QUESTIONS + len(seeded_knowledge_base.findings)
    )


def test_the_interview_s_figures_are_the_scoring_policy_s(seeded_document):
    from copy import deepcopy

    from conditions.engine import knowledge_base_from_document

    document = deepcopy(seeded_document)
    document["scoring"]["interview"].update(max_questions=9, page_size=2, warning_page_size=2)
    short = knowledge_base_from_document(document, version=0)
    policy = short.interview_policy
    assert (policy.max_questions, policy.page_size, policy.warning_page_size) == (9, 2, 2)

    person = answers(age=45, sex="female", duration_weeks=8, fever=False, recent_trauma=False)
    _final, pages, _reason = simulate(short, person)
    assert all(len(page) <= 2 for page in pages)
    warning_signs = sum(len(page) for page in pages if set(page) <= WARNING_SIGNS)
    assert short.interview_policy.opening_questions + sum(map(len, pages)) <= 9 + warning_signs


def test_a_version_published_before_the_warning_page_size_gets_its_default(seeded_document):
    from copy import deepcopy

    from conditions.engine import knowledge_base_from_document

    document = deepcopy(seeded_document)
    del document["scoring"]["interview"]["warning_page_size"]
    document["scoring"]["interview"]["max_questions"] = 30
    policy = knowledge_base_from_document(document, version=0).interview_policy
    assert (policy.warning_page_size, policy.max_questions) == (6, 30)


def test_a_version_published_before_the_interview_figures_gets_the_defaults(seeded_document):
    from copy import deepcopy

    from conditions.engine import knowledge_base_from_document

    document = deepcopy(seeded_document)
    del document["scoring"]["interview"]
    assert knowledge_base_from_document(document, version=0).interview_policy == InterviewPolicy()


def test_the_interview_s_brief_assessment_equals_the_full_one(seeded_knowledge_base):
    """triage_and_leaders, which the interview runs for every answer it considers, gives
    assess's level and first three for every development case and each one-answer change."""
    import json

    from conditions.engine import answers_from_mapping
    from conditions.engine.assessment import triage_and_leaders
    from tests.conftest import PROJECT_DIR

    cases = json.loads((PROJECT_DIR / "vignettes" / "development.json").read_text())
    compared = 0
    for case in cases:
        person = answers_from_mapping(case["answers"], knowledge_base=seeded_knowledge_base)
        for code in (None, *sorted(seeded_knowledge_base.findings)[::5]):
            findings = dict(person.findings)
            if code is not None:
                findings[code] = not findings.get(code, False)
            changed = Answers(
                age=person.age,
                sex=person.sex,
                duration_weeks=person.duration_weeks,
                findings=findings,
            )
            full = assess(seeded_knowledge_base, changed)
            assert triage_and_leaders(seeded_knowledge_base, changed) == (
                full.triage,
                tuple(row.code for row in full.conditions[:3]),
            ), (case["id"], code)
            compared += 1
    assert compared > 300
