"""Browser tests: Playwright (sync API) drives Debian's Chromium against the live test server.

One Chromium for the run of browser tests, a new browser context (fresh cookies, so a fresh
questionnaire session) for every test. Without a usable Chromium the tests are skipped on a
developer's machine but FAIL in CI (``CI=true``), so a broken browser set-up never passes unseen.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from tests.browser.helpers import DESKTOP, SCREENSHOT_DIR

BROWSER_TESTS = Path(__file__).resolve().parent
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def browser_unavailable(reason: str) -> None:
    """Fail in CI, where a missing browser is a broken build; skip anywhere else."""
    message = (
        f"Browser tests need Chromium: {reason}. Install Debian's chromium "
        "(apt-get install chromium) or set CHROMIUM_PATH to a Chromium executable."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


class BrowserSession:
    """Playwright and one headless Chromium, started on first use, stopped when no longer needed.

    Playwright's sync API runs an asyncio event loop in the test's own thread (it drives the
    browser through greenlets) from the moment it starts until it stops. Django sees that running
    loop and refuses ORM calls from the thread with SynchronousOnlyOperation, although nothing
    here is concurrent: the fixtures that touch the database (publishing the knowledge base,
    pytest-django's flush after each test) run strictly between browser calls, and the live
    server answers the browser from its own threads. So DJANGO_ALLOW_ASYNC_UNSAFE is set exactly
    while Playwright runs, and Playwright is stopped as soon as the browser tests are over (see
    ``pytest_runtest_teardown``). Set for the whole process, it would leak into every other test,
    and into the subprocesses some of them start (``manage.py check --deploy`` rejects it).
    """

    def __init__(self, executable_path: str) -> None:
        self.executable_path = executable_path
        self.playwright: Playwright | None = None
        self.browser: Browser | None = None
        self.previous_async_unsafe: str | None = None
        self.failure: str | None = None  # why the launch failed: not retried for every test

    def get(self) -> Browser:
        if self.failure is not None:
            browser_unavailable(self.failure)
        if self.browser is None:
            self.previous_async_unsafe = os.environ.get(ASYNC_UNSAFE)
            os.environ[ASYNC_UNSAFE] = "true"
            self.playwright = sync_playwright().start()
            try:
                self.browser = self.playwright.chromium.launch(
                    executable_path=self.executable_path, headless=True, args=CHROMIUM_ARGS
                )
            except Exception as error:
                self.stop()
                self.failure = f"{self.executable_path} did not start ({error})"
                browser_unavailable(self.failure)
        return self.browser

    def stop(self) -> None:
        if self.browser is not None:
            self.browser.close()
            self.browser = None
        if self.playwright is not None:
            self.playwright.stop()
            self.playwright = None
            if self.previous_async_unsafe is None:
                os.environ.pop(ASYNC_UNSAFE, None)
            else:
                os.environ[ASYNC_UNSAFE] = self.previous_async_unsafe


BROWSER_SESSION = pytest.StashKey[BrowserSession]()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        browser_unavailable(f"no executable at {path}")
    return path


@pytest.fixture(scope="session")
def browser_session(request: pytest.FixtureRequest, chromium_path: str) -> Iterator[BrowserSession]:
    session = BrowserSession(chromium_path)
    request.config.stash[BROWSER_SESSION] = session
    yield session
    session.stop()


@pytest.fixture
def browser(browser_session: BrowserSession) -> Browser:
    """The run's Chromium (launched by the first browser test, reused by the next ones)."""
    return browser_session.get()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After the last browser test in a row (and its fixtures' teardown), stop Playwright.

    pytest-django runs the database tests of other folders after ours (it orders tests that use
    the live server after plain database tests); they need Playwright's loop gone.
    """
    if nextitem is not None and Path(nextitem.path).is_relative_to(BROWSER_TESTS):
        return
    session = item.config.stash.get(BROWSER_SESSION, None)
    if session is not None:
        session.stop()


@pytest.fixture(scope="session", autouse=True)
def fresh_screenshots() -> None:
    """Screenshots are of this run only: remove those an earlier run left behind."""
    for old in SCREENSHOT_DIR.glob("*.png"):
        old.unlink()


@pytest.fixture
def page(browser, live_server, published_committed, settings) -> Iterator[Any]:
    """A page in a fresh context (its own cookies) on the live server, at desktop width."""
    # Every walk posts a dozen steps from 127.0.0.1; the per-client rate limit (tested on its
    # own elsewhere) must not turn a quick run of these tests into "Too many attempts".
    settings.RATELIMIT_ENABLE = False
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
