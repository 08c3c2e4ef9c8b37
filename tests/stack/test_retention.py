"""`shopflow run` keeps closed workflows 30 days on the embedded Temporal (the dev server's
default is one day), so yesterday's delivered order can still be looked up."""

from __future__ import annotations

import json
import subprocess

import pytest

from stack.service import _venv_bin
from stack.temporal_server import RETENTION, keep_closed_workflows

pytestmark = pytest.mark.integration


def _retention_seconds(settings) -> float:
    described = subprocess.run(
        [
            _venv_bin("temporal"),
            "operator",
            "namespace",
            "describe",
            "-n",
            settings.temporal_namespace,
            "--address",
            settings.temporal_address,
            "-o",
            "json",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    ttl = json.loads(described.stdout)["config"]["workflowExecutionRetentionTtl"]
    return float(ttl.rstrip("s"))


def test_the_embedded_namespace_keeps_closed_workflows_thirty_days(stack_settings):
    assert RETENTION == "720h"
    keep_closed_workflows(stack_settings)
    assert _retention_seconds(stack_settings) == 30 * 24 * 3600
