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


def _workflow_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return [name for name in names if name == "workflows" or name.startswith("workflows.")]


def test_activities_import_only_workflow_message_modules():
    """An activity shares dataclasses and names with its workflow, never the workflow body
    (which would pull Temporal's workflow sandbox rules into activity code)."""
    bodies = [
        f"{path.relative_to(PROJECT_ROOT)}: {name}"
        for path in sorted((PROJECT_ROOT / "activities").rglob("*.py"))
        for name in _workflow_imports(path)
        if not name.endswith("_messages")
    ]

    assert bodies == [], "import the workflow's *_messages module instead: " + ", ".join(bodies)


def test_the_workflow_import_probe_sees_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from workflows.hold_sweep import X\nimport workflows.order_messages\n")
    assert _workflow_imports(probe) == ["workflows.hold_sweep", "workflows.order_messages"]
