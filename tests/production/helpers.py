"""Helpers of the production-readiness tests: walking the questionnaire with the test client,
and running manage.py in a subprocess with production environment variables."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.test import Client

from tests.conftest import PROJECT_DIR

WIZARD = "questionnaire_wizard"
BODY_MAP = "where_it_hurts"
CHECK_ANSWERS = "check_answers"
FINISHED = "/check/finished/"
# A place on the body map, ticked by every walk (the others are then "not there").
TICKED_PLACE = "pain_groin"


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


@dataclass
class Walk:
    """A walk through the questionnaire: what was posted, and what the stored answers must be."""

    age: int = 42
    sex: str = "female"
    weeks: int = 6
    yes: frozenset[str] = frozenset()
    posted: dict[str, dict[str, Any]] = field(default_factory=dict)
    findings: dict[str, bool] = field(default_factory=dict)

    def steps(self) -> list[str]:
        """The steps asked at this age, in order (check_answers last)."""
        from questionnaire.steps import ABOUT_YOU, FINDING_STEPS

        return [ABOUT_YOU, *[s for s in FINDING_STEPS if self.questions(s)], CHECK_ANSWERS]

    def questions(self, step: str, *, follow_ups: bool = True) -> list[str]:
        """The codes asked on ``step``; without ``follow_ups``, those shown to everyone."""
        from conditions.published import published_knowledge_base
        from questionnaire.steps import questions_for_step, questions_of

        return [
            q.code
            for q in questions_for_step(questions_of(published_knowledge_base()), step, self.age)
            if follow_ups or q.follow_up_for is None
        ]

    def answers_for(self, step: str) -> dict[str, Any]:
        """What this walk posts on ``step``, remembering the findings it implies."""
        if step == "about_you":
            answers: dict[str, Any] = {
                "age": str(self.age),
                "sex": self.sex,
                "duration_weeks": str(self.weeks),
            }
        elif step == CHECK_ANSWERS:
            answers = {}
        elif step == BODY_MAP:
            codes = self.questions(step)
            ticked = [code for code in codes if code == TICKED_PLACE or code in self.yes]
            answers = {"locations": ticked}
            if ticked:
                self.findings.update({code: code in ticked for code in codes})
        else:
            # A follow-up ("feels hot or shivery?") is answered only after a "not sure", which
            # this walk never gives, as a person would leave it.
            answers = {
                code: "yes" if code in self.yes else "no"
                for code in self.questions(step, follow_ups=False)
            }
            self.findings.update({code: code in self.yes for code in answers})
        self.posted[step] = answers
        return answers

    def expected_answers(self) -> dict[str, Any]:
        """The answers a CompletedAssessment must hold after this walk."""
        return {
            "age": self.age,
            "sex": self.sex,
            "duration_weeks": self.weeks,
            "findings": dict(self.findings),
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


def walk_to_result(client: Client, walk: Walk | None = None) -> Walk:
    """Walk the whole questionnaire and land on the result page."""
    walk = walk or Walk()
    client.get("/check/", follow=True)
    walk_steps(client, walk, walk.steps())
    assert client.get("/result/").status_code == 200
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
