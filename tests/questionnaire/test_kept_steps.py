"""A person's interview steps are kept with their answers: whichever server process answers
their next request plans their pages without working the earlier steps out again."""

from __future__ import annotations

from conditions.engine import Answers, Sex
from conditions.published import published_knowledge_base
from questionnaire import interview_pages
from questionnaire.interview_pages import interview_plan

OPENING = Answers(age=47, sex=Sex.FEMALE, duration_weeks=10)


def all_no(page):
    return {code: "no" for code in page.codes}


def answered(pages: int):
    """The first ``pages`` pages answered "no", the next one not yet."""

    def answers_of(page):
        return all_no(page) if page.number <= pages else None

    return answers_of


def test_a_process_that_never_saw_the_person_works_out_no_step_already_kept(published, monkeypatch):
    knowledge_base = published_knowledge_base()
    kept: dict = {}
    first = interview_plan(knowledge_base, OPENING, answered(3), kept=kept)
    assert len(kept) == len(first.pages) == 4  # three pages answered, the fourth to answer

    def no_engine(*args, **kwargs):
        raise AssertionError("a kept step was worked out again")

    monkeypatch.setattr(interview_pages, "next_step", no_engine)
    again = interview_plan(knowledge_base, OPENING, answered(3), kept=kept)

    assert again == first


def test_the_kept_steps_are_only_those_of_the_current_plan(published):
    knowledge_base = published_knowledge_base()
    kept: dict = {}
    interview_plan(knowledge_base, OPENING, answered(5), kept=kept)
    longer = dict(kept)

    # The person goes back to page 1 and changes an answer: the later steps are not kept.
    def changed(page):
        if page.number == 1:
            return {code: "yes" for code in page.codes}
        return None

    plan = interview_plan(knowledge_base, OPENING, changed, kept=kept)
    first_page: dict = {}
    interview_plan(knowledge_base, OPENING, answered(0), kept=first_page)

    assert plan.finished  # four warning signs answered yes: an emergency, no further page
    assert len(kept) == len(plan.pages) + 1  # each page's step, and the one that stops
    assert set(kept) & set(longer) == set(first_page)  # only page 1's step is still the same


def test_the_same_plan_with_or_without_kept_steps(published):
    knowledge_base = published_knowledge_base()
    assert interview_plan(knowledge_base, OPENING, answered(6), kept={}) == interview_plan(
        knowledge_base, OPENING, answered(6)
    )
