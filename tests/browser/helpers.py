"""Walking the questionnaire in the browser, and auditing each page (axe-core and screenshots)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from playwright.sync_api import Page, expect

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
STEP_URL = re.compile(r"/check/(?P<step>[a-z_0-9]+)/")
WALKS_DIR = SCREENSHOT_DIR.parent / "walks"


class Audit:
    """Runs axe-core on a page and saves full-page screenshots at phone and desktop widths.

    Violations are collected, not raised at once, so one walk reports every page that has a
    problem; the test calls ``assert_no_violations()`` at its end.
    """

    def __init__(self, case: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.case = case
        self.count = 0
        self.audited: list[str] = []
        self.reports: list[str] = []

    def __call__(self, page: Page, name: str) -> None:
        self.count += 1
        self.audited.append(name)
        for width_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            results = self.axe.run(page)
            if results.violations_count:
                report = results.generate_report()
                print(f"\naxe: {name} at {width_name} width ({page.url})\n{report}")
                self.reports.append(f"{name} at {width_name} width ({page.url}):\n{report}")
            self.screenshot(page, name, width_name)
        page.set_viewport_size(DESKTOP)

    def screenshot(self, page: Page, name: str, width_name: str) -> None:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{self.case}-{self.count:02d}-{name}-{width_name}.png"
        page.screenshot(path=str(path), full_page=True)

    def assert_no_violations(self) -> None:
        assert not self.reports, "axe-core found accessibility violations:\n\n" + "\n\n".join(
            self.reports
        )


def current_step(page: Page) -> str:
    match = STEP_URL.search(page.url)
    assert match, f"not on a questionnaire step: {page.url}"
    return match["step"]


def start(page: Page) -> None:
    """From the start page to the first question."""
    page.goto("/")
    page.get_by_role("button", name="Start now").click()
    expect(page).to_have_url(re.compile(r"/check/about_you/$"))


def fill_about_you(
    page: Page,
    *,
    age: int | str,
    sex: str,
    weeks: int | str | None,
    side: str = "Left",
    unit: str = "Weeks",
) -> None:
    """Answer About you; ``weeks`` is the number typed (in ``unit``), None for "not sure"."""
    page.get_by_label("How old are you?").fill(str(age))
    page.get_by_role("group", name="What is your sex?").get_by_label(sex, exact=True).check()
    page.get_by_role("group", name="Which side hurts?").get_by_label(side, exact=True).check()
    if weeks is None:
        page.get_by_label("I'm not sure how long").check()
    else:
        page.get_by_label("How long have you had this pain?").fill(str(weeks))
        units = page.get_by_role("group", name="Days, weeks, months or years?")
        units.get_by_label(unit, exact=True).check()


def press_continue(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def radio(page: Page, code: str, value: str):
    """The yes / no / not_sure radio of a finding on the current step."""
    return page.locator(f'input[type="radio"][name$="-{code}"][value="{value}"]')


def answer_findings(page: Page, yes: Iterable[str] = (), not_sure: Iterable[str] = ()) -> None:
    """Answer every visible yes / no / not sure question on this step: "no" unless listed.

    Each answer is given by clicking its visible label, as a person would. A follow-up question
    shows only once the question it follows up is answered "not sure", so the questions are
    read again after each answer.
    """
    yes, not_sure = set(yes), set(not_sure)
    answered: set[str] = set()
    while True:
        names = page.locator('input[type="radio"][value="no"]:visible').evaluate_all(
            "inputs => inputs.map(input => input.name)"
        )
        name = next((name for name in names if name not in answered), None)
        if name is None:
            return
        answered.add(name)
        code = name.split("-", 1)[1]
        value = "yes" if code in yes else "not_sure" if code in not_sure else "no"
        input_id = page.locator(f'input[name="{name}"][value="{value}"]').get_attribute("id")
        page.locator(f'label[for="{input_id}"]').click()
        expect(page.locator(f"#{input_id}")).to_be_checked()


def words_read(page: Page) -> int:
    """The words of this page's questions and their hints (what a person reads to answer)."""
    texts = page.locator("#step-form .question, #step-form .hint").all_inner_texts()
    return sum(len(text.split()) for text in texts)


@dataclass
class WalkFigures:
    """What one walk asked: each page's step and findings, the questions and the words read."""

    case: str
    pages: list[dict] = field(default_factory=list)
    questions: int = 0
    words: int = 0
    # Every word in the page's <main> (headings, notes, answers and buttons too).
    words_on_pages: int = 0
    result: str = ""

    @property
    def question_pages(self) -> int:
        return len(self.pages)

    def record(self, page: Page, step: str) -> None:
        codes = page.locator('#step-form input[type="radio"][value="no"]').evaluate_all(
            "inputs => inputs.map(input => input.name.split('-').slice(1).join('-'))"
        )
        words = words_read(page)
        on_page = len(page.locator("main").inner_text().split())
        # About you asks age, sex, side and duration (its radios are not yes / no questions).
        asked = 4 if step == "about_you" else len(codes)
        self.pages.append(
            {
                "step": step,
                "findings": codes,
                "questions": asked,
                "words": words,
                "words_on_page": on_page,
            }
        )
        self.questions += asked
        self.words += words
        self.words_on_pages += on_page

    def save(self) -> dict:
        """Print the figures and keep them in test-artifacts/walks/<case>.json."""
        figures = {**asdict(self), "question_pages": self.question_pages}
        print(
            f"\nwalk {self.case}: {self.question_pages} question pages, "
            f"{self.questions} questions, {self.words} words of questions and hints "
            f"({self.words_on_pages} on the pages), result {self.result}"
        )
        WALKS_DIR.mkdir(parents=True, exist_ok=True)
        (WALKS_DIR / f"{self.case}.json").write_text(json.dumps(figures, indent=2) + "\n")
        return figures


def answer_pages(
    page: Page,
    figures: WalkFigures,
    *,
    yes: Iterable[str] = (),
    not_sure: Iterable[str] = (),
    audit: Audit | None = None,
) -> None:
    """From the page after About you, answer each question page until "Check your answers"
    or the result, recording what each page asked (and auditing it when ``audit`` is given)."""
    while not page.url.endswith("/result/") and (step := current_step(page)) != "check_answers":
        if audit is not None:
            audit(page, step)
        figures.record(page, step)
        answer_findings(page, yes=yes, not_sure=not_sure)
        press_continue(page)


def log_in_to_admin(page: Page, user, password: str | None = None) -> None:
    """Log ``user`` in through the admin's form, as a person would, with the code from their
    authenticator app when they have one or must have one (reviewers and superusers: an app is
    set up for them first, tests/two_factor.py). Ends on whatever page the login leads to."""
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from staff_security.devices import second_factor_required
    from tests.factories import TEST_PASSWORD
    from tests.two_factor import authenticator, current_code

    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password or TEST_PASSWORD)
    if second_factor_required(user) or TOTPDevice.objects.filter(user=user).exists():
        code = current_code(authenticator(user))
        page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Log in").click()


def phone_page_height(page: Page) -> float:
    """The page's scrollHeight at phone size, once the resize has been laid out.

    The viewport change reaches the page asynchronously: reading at once can measure the layout
    of the width before (a summary measured 9.6 screens whose phone screenshot is 5.5).
    """
    page.set_viewport_size(PHONE)
    page.wait_for_function(f"() => window.innerWidth === {PHONE['width']}")
    return page.evaluate(
        "() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame("
        "() => resolve(document.documentElement.scrollHeight))))"
    )


def restore_role_groups() -> None:
    """The Curators and Reviewers groups of migration 0003, as they were before a flush.

    Live-server tests flush the database after each test, groups made by migrations included;
    the next one would log in a curator with no permissions.
    """
    import importlib

    from django.contrib.auth.models import Group, Permission

    roles = importlib.import_module("conditions.migrations.0003_curator_and_reviewer_groups")
    # Migration 0010 gives both groups the permissions of the condition forms' models.
    forms = importlib.import_module("conditions.migrations.0010_condition_forms_and_study_evidence")
    for name, codenames in roles.GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="conditions",
                codename__in=[*codenames, *forms.NEW_PERMISSIONS],
            )
        )
