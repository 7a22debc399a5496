"""The load of benchmarks/locustfile.py spread over several app servers, request by request.

SYMPTOMCHECK_HOSTS lists the servers (``http://127.0.0.1:8001,http://127.0.0.1:8002``); each
simulated person sends each request to the next server in turn, as a round-robin load balancer
without sticky sessions would. The servers must share sessions (REDIS_URL), or the questionnaire
fails at its second step. benchmarks/scaling_benchmark.py runs it.
"""

from __future__ import annotations

import itertools
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from locustfile import QuestionnaireUser, SimplePageUser

HOSTS = [host.rstrip("/") for host in os.environ.get("SYMPTOMCHECK_HOSTS", "").split(",") if host]


def spread(user) -> None:
    """Send each relative request of ``user`` to the next of HOSTS (one cookie jar for all)."""
    if not HOSTS:
        return
    hosts = itertools.cycle(HOSTS)
    build = user.client._build_url

    def next_server(path: str) -> str:
        return build(path) if "://" in path else f"{next(hosts)}{path}"

    user.client._build_url = next_server


class SpreadQuestionnaireUser(QuestionnaireUser):
    def on_start(self) -> None:
        spread(self)


class SpreadSimplePageUser(SimplePageUser):
    def on_start(self) -> None:
        spread(self)


# Only the spread classes are offered to locust.
del QuestionnaireUser, SimplePageUser
