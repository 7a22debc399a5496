"""Load test of Symptomcheck (shared/reliability.md, L1): people completing the questionnaire.

Two user classes; benchmarks/load_benchmark.py runs each on its own:

* ``QuestionnaireUser``: opens the start page, walks the questionnaire step by step as a person
  would (reading each page's form: its CSRF token, its step and its questions), answers "no" or
  "not sure" to nearly everything, ticks one place on the body map and reads the result; with
  PDF_EVERY=N, one time in N it then downloads the PDF summary (off by default: the flow L1
  measures ends at the result). Each completed questionnaire is also recorded as one ``FLOW``
  entry, "complete questionnaire", timed from the start page to the result.
* ``SimplePageUser``: the simplest page (/how-it-works/, or SIMPLE_PAGE), for comparison.

Run by hand against a server that is already up::

    .venv/bin/locust -f benchmarks/locustfile.py --headless -u 50 -r 10 -t 60s \
        --host http://127.0.0.1:8000 QuestionnaireUser

The server rate-limits questionnaire posts per address (QUESTIONNAIRE_RATE_LIMIT, 120/m): all
load comes from one address, so start it with a high limit (load_benchmark.py uses 100000/m).
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from html import unescape

from locust import HttpUser, constant, task

# No think time by default: each simulated person sends the next request as soon as the last
# one answered, so the figures measure the server's capacity. THINK_TIME=2 for a gentler mix.
THINK_TIME = float(os.environ.get("THINK_TIME", "0"))
PDF_EVERY = int(os.environ.get("PDF_EVERY", "0"))
SIMPLE_PAGE = os.environ.get("SIMPLE_PAGE", "/how-it-works/")
# A few findings answered "yes", so that the engine has something to weigh; none is a warning
# sign, so no emergency stops the questionnaire early.
YES_SOMETIMES = ("pain_worse_with_activity", "morning_stiffness_over_30min", "fatigue")
WIZARD_STEP_FIELD = "questionnaire_wizard-current_step"
STEP_FORM = re.compile(r'<form\b[^>]*\bid="step-form"[^>]*>(.*?)</form>', re.S)
INPUT_TAG = re.compile(r"<input\b([^>]*)>")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
MAX_STEPS = 20
# Bodies for the API: the answers of the project's development vignettes.
VIGNETTES = os.path.join(os.path.dirname(__file__), "..", "vignettes", "development.json")


def assessment_bodies() -> list[dict]:
    with open(VIGNETTES, encoding="utf-8") as vignettes:
        return [vignette["answers"] for vignette in json.load(vignettes)]


class StepForm:
    """The fields of a questionnaire page's form (id="step-form"), read from its HTML.

    Read with regular expressions rather than html.parser: locust shares the machine with the
    server, and a full HTML parse of every page cost it more CPU than the server spent on the page.
    The pages are our own templates, whose <input> tags quote every attribute.
    """

    def __init__(self, html: str) -> None:
        self.csrf_token = ""
        self.current_step = ""
        self.radios: dict[str, list[str]] = {}
        self.checkboxes: dict[str, list[str]] = {}
        self.numbers: list[str] = []
        form = STEP_FORM.search(html)
        for tag in INPUT_TAG.findall(form.group(1) if form else ""):
            attributes = {name: unescape(value) for name, value in ATTRIBUTE.findall(tag)}
            kind, name = attributes.get("type"), attributes.get("name", "")
            value = attributes.get("value", "")
            if name == "csrfmiddlewaretoken":
                self.csrf_token = value
            elif name == WIZARD_STEP_FIELD:
                self.current_step = value
            elif kind == "radio":
                self.radios.setdefault(name, []).append(value)
            elif kind == "checkbox":
                self.checkboxes.setdefault(name, []).append(value)
            elif kind in ("number", "text"):
                self.numbers.append(name)


def answers(form: StepForm) -> dict[str, object]:
    """What a person sends on this page: a plausible answer to every question it asks."""
    data: dict[str, object] = {
        "csrfmiddlewaretoken": form.csrf_token,
        WIZARD_STEP_FIELD: form.current_step,
    }
    if form.current_step == "about_you":
        data.update(
            {
                "about_you-age": str(random.randint(20, 85)),
                "about_you-duration": str(random.randint(1, 30)),
                "about_you-duration_unit": random.choice(["days", "weeks", "months"]),
                "about_you-side": random.choice(["left", "right", "both", "not_sure"]),
                "about_you-sex": random.choice(["female", "male"]),
            }
        )
        return data
    for name, values in form.radios.items():
        code = name.split("-", 1)[1]
        if code in YES_SOMETIMES and "yes" in values and random.random() < 0.5:
            data[name] = "yes"
        else:
            data[name] = random.choice([v for v in values if v in ("no", "not_sure")] or values)
    for name, values in form.checkboxes.items():
        if values and values != [""]:  # the body map: one place ticked
            data[name] = [random.choice(values)]
    return data


class QuestionnaireUser(HttpUser):
    """A person who completes the questionnaire, reads the result, sometimes saves the PDF."""

    wait_time = constant(THINK_TIME)

    @task
    def complete_the_questionnaire(self) -> None:
        self.client.cookies.clear()  # a new person each time
        started = time.perf_counter()
        with self.client.get("/", name="/ (start page)", catch_response=True) as response:
            if "/check/" not in response.text:
                response.failure("the start page has no link to the questionnaire")
                return
        # Two requests, each a step of its own (as every POST's redirect is): the start, which
        # resets the answers and redirects, then the first question page.
        with self.client.get(
            "/check/", name="/check/ (start)", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"/check/: {response.status_code} instead of a redirect")
                return
            first = response.headers["Location"]
        page = self.client.get(first, name=first)
        for _ in range(MAX_STEPS):
            form = StepForm(page.text)
            if not form.current_step:
                break
            step = form.current_step
            with self.client.post(
                f"/check/{step}/",
                data=answers(form),
                name=f"/check/{step}/",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302:
                    response.failure(f"{step}: {response.status_code} instead of a redirect")
                    return
                location = response.headers["Location"]
            if location == "/check/finished/":
                with self.client.get(
                    location, name="/check/finished/", allow_redirects=False, catch_response=True
                ) as response:
                    if response.headers.get("Location") != "/result/":
                        response.failure("the questionnaire did not lead to the result")
                        return
                break
            page = self.client.get(location, name=location)
        else:
            return
        with self.client.get("/result/", name="/result/", catch_response=True) as response:
            if "not a diagnosis" not in response.text:
                response.failure("the result page does not show a result")
                return
        self.environment.events.request.fire(
            request_type="FLOW",
            name="complete questionnaire",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=None,
            context={},
        )
        if PDF_EVERY and random.randrange(PDF_EVERY) == 0:
            with self.client.get(
                "/result/summary.pdf", name="/result/summary.pdf", catch_response=True
            ) as response:
                if not response.content.startswith(b"%PDF"):
                    response.failure("the summary is not a PDF")


class SimplePageUser(HttpUser):
    """The simplest page, for comparison: how fast the server answers when it does little."""

    wait_time = constant(THINK_TIME)

    @task
    def read_the_simplest_page(self) -> None:
        self.client.get(SIMPLE_PAGE, name=SIMPLE_PAGE)


class ApiAssessmentUser(HttpUser):
    """A clinic's system posting answers to the JSON API and reading the assessment."""

    wait_time = constant(THINK_TIME)
    bodies = assessment_bodies()

    @task
    def post_an_assessment(self) -> None:
        body = random.choice(self.bodies)
        with self.client.post(
            "/api/v1/assessments",
            json=body,
            name="/api/v1/assessments",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "triage" not in response.text:
                response.failure(f"status {response.status_code}")
