"""Helpers of the production-readiness tests: walking the questionnaire with the test client,
and running manage.py in a subprocess with production environment variables."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from django.test import Client

from tests.conftest import PROJECT_DIR

WIZARD = "questionnaire_wizard"
CHECK_ANSWERS = "check_answers"
FINISHED = "/check/finished/"
STEP_PATH = re.compile(r"^/check/(?P<step>[a-z_0-9]+)/")


def step_data(step: str, answers: dict[str, Any]) -> dict[str, Any]:
    """The POST data of one step: its answers under the step's prefix, and the management form."""
    data: dict[str, Any] = {f"{WIZARD}-current_step": step}
    for name, value in answers.items():
        data[name if name.startswith(("wizard_", "csrfmiddlewaretoken")) else f"{step}-{name}"] = (
            value
        )
    return data


def post_step(client: Client, step: str, answers: dict[str, Any], **kwargs: Any):
    return client.post(f"/check/{step}/", step_data(step, answers), **kwargs)


def page_codes(html: str, step: str) -> list[str]:
    """The findings a question page asks, read from its form (each once, in page order)."""
    return list(dict.fromkeys(re.findall(rf'name="{step}-(\w+)" value="no"', html)))


def step_of(location: str) -> str | None:
    match = STEP_PATH.match(location)
    return match["step"] if match else None


@dataclass
class Walk:
    """A walk through the adaptive questionnaire: what it answers, and what it was asked.

    The walk answers yes to ``yes``, "not sure" to ``not_sure`` where the question allows it, and
    no otherwise (or, with ``every_kind``, yes, no and not sure in turn). Which pages it meets
    follows from those answers (``plan``, the wizard's own plan function), and the pages read
    from the responses must agree. ``pages`` records each page answered and its codes,
    ``findings`` what the stored answers must hold.
    """

    age: int = 42
    sex: str = "female"
    weeks: int | None = 6
    side: str = "left"
    yes: frozenset[str] = frozenset()
    not_sure: frozenset[str] = frozenset()
    duration: tuple[str, str] | None = None  # (value, unit) as typed; else ``weeks`` weeks
    # Every kind of answer instead: yes, no and not sure in turn from this offset (warning
    # signs "not sure" where allowed, else "no", so that no emergency stops the walk).
    every_kind: int | None = None
    posted: dict[str, dict[str, Any]] = field(default_factory=dict)
    findings: dict[str, bool] = field(default_factory=dict)
    pages: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    # The interview's steps worked out for this walk, kept as the wizard keeps them.
    kept_steps: dict[str, list] = field(default_factory=dict, repr=False, compare=False)

    def about_you(self) -> dict[str, Any]:
        answers: dict[str, Any] = {"age": str(self.age), "sex": self.sex, "side": self.side}
        if self.duration is not None:
            answers.update(duration=self.duration[0], duration_unit=self.duration[1])
        elif self.weeks is None:
            answers["duration_unknown"] = "on"
        else:
            answers.update(duration=str(self.weeks), duration_unit="weeks")
        return answers

    def answer(self, page, index: int, code: str) -> str:
        """What this walk answers to ``code``, the ``index``-th question of ``page``."""
        from conditions.published import published_knowledge_base

        finding = published_knowledge_base().findings[code]
        if self.every_kind is not None:
            turn = ("yes", "no", "not_sure")[(page.number + index + self.every_kind) % 3]
            if page.warning_signs:
                turn = "not_sure"
        elif code in self.yes:
            turn = "yes"
        elif code in self.not_sure:
            turn = "not_sure"
        else:
            turn = "no"
        return "no" if turn == "not_sure" and not finding.allows_not_sure else turn

    def plan(self):
        """The pages this walk meets, as the wizard plans them for its answers."""
        from conditions.engine import Answers
        from conditions.published import published_knowledge_base
        from questionnaire.interview_pages import interview_plan

        opening = Answers(age=self.age, sex=self.sex, duration_weeks=self.engine_weeks)
        return interview_plan(
            published_knowledge_base(),
            opening,
            lambda page: {code: self.answer(page, i, code) for i, code in enumerate(page.codes)},
            kept=self.kept_steps,
        )

    def steps(self) -> list[str]:
        """Every step this walk posts, in order ("Check your answers" last unless an emergency
        stops the questions)."""
        plan = self.plan()
        pages = [page.step for page in plan.pages]
        return ["about_you", *pages, *([] if plan.emergency else [CHECK_ANSWERS])]

    def answers_for(self, step: str, codes: list[str] | None = None) -> dict[str, Any]:
        """What this walk posts on ``step`` (a page's codes read from it, or else planned)."""
        if step == "about_you":
            answers = self.about_you()
        elif step == CHECK_ANSWERS:
            answers = {}
        else:
            from questionnaire.interview_pages import PAGE_PREFIX, Page

            page = self.plan().page(step)
            if codes is not None and (page is None or tuple(codes) != page.codes):
                # Reached by answers of its own (a test that answered earlier pages itself).
                number = int(step.removeprefix(PAGE_PREFIX))
                page = Page(step, number, tuple(codes), "", False)
            assert page is not None, f"{step} is not a page of this walk"
            answers = {code: self.answer(page, i, code) for i, code in enumerate(page.codes)}
            for code, answer in answers.items():
                if answer != "not_sure":
                    self.findings[code] = answer == "yes"
            if (step, page.codes) not in self.pages:
                self.pages.append((step, page.codes))
        self.posted[step] = answers
        return answers

    @property
    def engine_weeks(self) -> int | None:
        if self.duration is None:
            return self.weeks
        from questionnaire.forms import weeks_of

        return weeks_of(int(self.duration[0]), self.duration[1])

    @property
    def questions_asked(self) -> int:
        """Age, sex, side, duration and every finding asked."""
        return 4 + sum(len(codes) for _step, codes in self.pages)

    def expected_answers(self) -> dict[str, Any]:
        """The answers a CompletedAssessment must hold after this walk."""
        if self.duration is not None:
            duration = {"value": int(self.duration[0]), "unit": self.duration[1]}
        else:
            duration = None if self.weeks is None else {"value": self.weeks, "unit": "weeks"}
        return {
            "age": self.age,
            "sex": self.sex,
            "duration_weeks": self.engine_weeks,
            "findings": dict(self.findings),
            "side": self.side,
            "duration": duration,
        }


def walk_steps(client: Client, walk: Walk, steps: list[str]) -> None:
    """Post ``steps`` of ``walk`` in order; each must be accepted (a redirect onwards)."""
    for step in steps:
        response = post_step(client, step, walk.answers_for(step))
        assert response.status_code == 302, (step, response.status_code)
        if response["Location"] == FINISHED:
            # The last step sends to the wizard's "finished" URL, which keeps the assessment.
            response = client.get(FINISHED)
            assert response.status_code == 302, (FINISHED, response.status_code)
            assert response["Location"] == "/result/"


def answer_pages(client: Client, walk: Walk, response, *, until: str = "/result/"):
    """Answer each page ``response`` leads to, as ``walk`` would, until the redirect to
    ``until`` ("/result/", or "/check/check_answers/" to stop there). Returns the last response.
    ``response`` may be a page's address instead, to start there."""
    while True:
        if isinstance(response, str):
            location = response
        else:
            assert response.status_code == 302, (response.status_code, response.content[:300])
            location = response["Location"]
        if location == until or location.split("?")[0] == until:
            return location if isinstance(response, str) else response
        if location == FINISHED:
            # The last step sends to the wizard's "finished" URL, which keeps the assessment.
            response = client.get(FINISHED)
            continue
        step = step_of(location)
        assert step is not None, location
        if step == CHECK_ANSWERS:
            response = post_step(client, step, {})
            continue
        html = client.get(location).content.decode()
        codes = page_codes(html, step)
        assert codes, (step, html[:500])
        response = post_step(client, step, walk.answers_for(step, codes))


def walk_to_result(client: Client, walk: Walk | None = None) -> Walk:
    """Walk the whole questionnaire and land on the result page."""
    walk = walk or Walk()
    client.get("/check/", follow=True)
    answer_pages(client, walk, post_step(client, "about_you", walk.answers_for("about_you")))
    assert client.get("/result/").status_code == 200
    return walk


def walk_to_check_answers(client: Client, walk: Walk | None = None) -> Walk:
    """Walk the questionnaire up to "Check your answers", without sending it."""
    walk = walk or Walk()
    client.get("/check/", follow=True)
    answer_pages(
        client,
        walk,
        post_step(client, "about_you", walk.answers_for("about_you")),
        until=f"/check/{CHECK_ANSWERS}/",
    )
    return walk


def random_secret_key() -> str:
    return secrets.token_urlsafe(50)


def database_url(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL for the database Django is connected to (e.g. the test database)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    host = settings_dict.get("HOST") or ""
    port = settings_dict.get("PORT") or ""
    name = settings_dict["NAME"]
    socket_dir = (settings_dict.get("OPTIONS") or {}).get("host")
    if socket_dir and not host:
        return f"postgresql://{user}:{password}@/{name}?host={socket_dir}"
    return f"postgresql://{user}:{password}@{host}{':' + str(port) if port else ''}/{name}"


def run_manage(
    *arguments: str, input_text: str | None = None, timeout: int = 120, **environment: str
) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh interpreter with ``environment`` added to ours."""
    env = dict(os.environ)
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_DIR,
        env=env,
        input=input_text,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def production_environment(**overrides: str) -> dict[str, str]:
    """Environment variables of a production deployment (DEBUG=0, HTTPS only)."""
    return {
        "DEBUG": "0",
        "SECRET_KEY": random_secret_key(),
        "ALLOWED_HOSTS": "example.org",
        "HTTPS_ONLY": "1",
        **overrides,
    }


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict[str, str], output: IO[str]) -> subprocess.Popen:
    """gunicorn as deployed (symptomcheck/gunicorn.conf.py) with ``env``, output to ``output``."""
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "symptomcheck/gunicorn.conf.py",
            "symptomcheck.wsgi",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
