"""The house rules import-linter cannot check: who reads the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from settings import PROJECT_ROOT

pytestmark = pytest.mark.unit

# The project's own code; tests may set up environments as they please.
PACKAGES = (
    "domain", "workflows", "activities", "db", "web", "payments", "catalog", "stack",
    "entrypoints", "bench",
)  # fmt: skip


def _reads_environment(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(), filename=str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "environb"}:
            if isinstance(node.value, ast.Name) and node.value.id == "os":
                lines.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            if any(a.name in {"environ", "getenv", "environb"} for a in node.names):
                lines.append(node.lineno)
    return lines


def test_only_settings_reads_the_environment():
    files = [PROJECT_ROOT / "temporal_client.py"]
    for package in PACKAGES:
        files += sorted((PROJECT_ROOT / package).rglob("*.py"))

    readers = [
        f"{path.relative_to(PROJECT_ROOT)}:{line}"
        for path in files
        for line in _reads_environment(path)
    ]

    assert readers == [], "read the environment through settings.py instead: " + ", ".join(readers)


def test_settings_does_read_it():
    assert _reads_environment(PROJECT_ROOT / "settings.py"), "the probe finds nothing at all"


def test_before_1_0_no_workflow_carries_a_patch():
    """Nothing is released yet: workflows change directly and their histories are
    re-recorded (docs/architecture.md, "Changing a workflow"). From 1.0 on, patches."""
    from importlib.metadata import version

    released = int(version("shopflow").split(".")[0]) >= 1
    patched = [
        f"{path.relative_to(PROJECT_ROOT)}"
        for path in sorted((PROJECT_ROOT / "workflows").rglob("*.py"))
        if "workflow.patched(" in path.read_text() or "deprecate_patch(" in path.read_text()
    ]

    assert released or patched == [], f"remove the patch and re-record histories: {patched}"
