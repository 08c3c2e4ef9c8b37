"""The browser harness: the real app on a live port, driven by headless Debian Chromium.

Later journeys (cart, checkout, orders) add their tests beside the search one and use
the same `live_store` and `page` fixtures.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (.ci/run installs Debian's chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def live_store(stack_settings, demo_catalog):
    """Base URL of the store served as `shopflow run` serves it (web/live/asgi.py: pages, API
    and stock streams on one origin), with the stock relay running, as in production."""
    from tests.live.conftest import RelayThread
    from tests.live_server import ServerThread

    relay = RelayThread(stack_settings)
    server = ServerThread(stack_settings)
    yield server.url
    server.stop()
    relay.stop()


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class BrowserErrors:
    """Every JavaScript error a test's pages report: console errors (a failed request
    included) and uncaught exceptions. The test fails on any of them at teardown,
    except those it provokes on purpose and names first with `expect(pattern)`."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._expected: list[re.Pattern[str]] = []

    def expect(self, pattern: str) -> None:
        self._expected.append(re.compile(pattern))

    def watch(self, page) -> None:
        page.on("console", lambda m: self.seen.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.seen.append(f"uncaught: {error}"))

    def unexpected(self) -> list[str]:
        return [e for e in self.seen if not any(p.search(e) for p in self._expected)]


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


@pytest.fixture
def watched_context(browser, browser_errors: BrowserErrors):
    """Factory: a new browser context whose every page reports to `browser_errors`; the
    test fails at teardown if any of them logged an error it did not expect."""
    contexts = []

    def open_context(**options):
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
        context.on("page", browser_errors.watch)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
    unexpected = browser_errors.unexpected()
    if unexpected:
        pytest.fail("JavaScript errors in the browser:\n" + "\n".join(unexpected))


@pytest.fixture
def page(watched_context):
    return watched_context().new_page()


@pytest.fixture
def output_dir(request) -> Path:
    """Per-test folder for screenshots: test-results/<test name>/."""
    root = Path(request.config.rootpath) / "test-results" / request.node.name
    root.mkdir(parents=True, exist_ok=True)
    return root
