"""The browser harness: the real app on a live port, driven by headless Debian Chromium.

Later journeys (cart, checkout, orders) add their tests beside the search one and use
the same `live_store` and `page` fixtures.
"""

from __future__ import annotations

import os
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
def live_store(services, demo_catalog):
    """Base URL of the store served as `shopflow run` serves it (web/asgi.py: pages, API
    and stock streams on one origin), with the stock relay running, as in production."""
    from tests.live.conftest import RelayThread
    from tests.live_server import ServerThread

    relay = RelayThread(services)
    server = ServerThread(services)
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


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def output_dir(request) -> Path:
    """Per-test folder for screenshots: test-results/<test name>/."""
    root = Path(request.config.rootpath) / "test-results" / request.node.name
    root.mkdir(parents=True, exist_ok=True)
    return root
