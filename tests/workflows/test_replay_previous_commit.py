"""The previous commit's histories still replay on this commit's workflow code.

test_replay.py replays the histories committed beside the code; re-recording them in
the same commit as a workflow change would hide a break from it. So this test also
replays the histories of the commit before (`git show HEAD~1:tests/workflows/histories/…`;
`HEAD` instead while workflows/ or histories/ have uncommitted changes, so a developer
sees the break before committing). A failure fails the test unless the commit declares
it: tests/workflows/histories/BREAKING names, one per line, the workflow types whose
old histories are expected to fail (a `#` starts a comment: say why). BREAKING counts
only in the commit that changes it, and each type it names must really fail, so it
cannot linger and excuse a later break (docs/architecture.md, "Changing a workflow").

Skips with a message where there is no git or no previous commit (a shallow clone:
`git fetch --deepen=1`, as .ci/run does).
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from tests.workflows.replay import HISTORIES, replay_failures, workflow_type

pytestmark = pytest.mark.workflow
ROOT = Path(__file__).resolve().parents[2]
BREAKING = HISTORIES / "BREAKING"
WATCHED = ("workflows", "tests/workflows/histories")


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )


def base_commit() -> str:
    """The commit whose histories stand for the workflows already running."""
    if shutil.which("git") is None or git("rev-parse", "--is-inside-work-tree").returncode:
        pytest.skip("no git here: the previous commit's histories cannot be read")
    if git("status", "--porcelain", "--", *WATCHED).stdout.strip():
        return "HEAD"
    if git("rev-parse", "-q", "--verify", "HEAD~1^{commit}").returncode:
        pytest.skip(
            "no previous commit in this clone (a shallow clone?): "
            "`git fetch --deepen=1` lets this test replay HEAD~1's histories"
        )
    return "HEAD~1"


def declared(text: str) -> set[str]:
    """The workflow types a BREAKING file names."""
    return {line.split("#")[0].strip() for line in text.splitlines()} - {""}


@cache
def previous() -> tuple[str, dict[str, str], set[str]]:
    """(base, the base's histories that differ from today's files, the types declared
    broken by this commit)."""
    base = base_commit()
    relative = HISTORIES.relative_to(ROOT).as_posix()
    listed = git("ls-tree", "-r", "--name-only", base, "--", relative).stdout.split()
    histories = {}
    for name in listed:
        if not name.endswith(".json"):
            continue
        text = git("show", f"{base}:{name}").stdout
        current = ROOT / name
        if current.exists() and current.read_text() == text:
            continue  # the same file: test_replay.py replays it already
        histories[name] = text
    shown = git("show", f"{base}:{BREAKING.relative_to(ROOT).as_posix()}")
    before = shown.stdout if shown.returncode == 0 else ""
    now = BREAKING.read_text() if BREAKING.exists() else ""
    return base, histories, declared(now) if now != before else set()


def test_the_previous_commits_histories_replay_unless_declared_breaking():
    base, histories, breaking = previous()
    failures = {name: f for name, f in replay_failures(histories).items() if f is not None}
    broken_types = {workflow_type(histories[name]) for name in failures}

    undeclared = {n: f for n, f in failures.items() if workflow_type(histories[n]) not in breaking}
    assert not undeclared, (
        f"{len(undeclared)} of {base}'s histories no longer replay on this code: workflows "
        "already running would break. Keep the old behaviour, or, if the break is "
        f"deliberate (nothing released), name the workflow types in {BREAKING.name} "
        f"(tests/workflows/histories/): {sorted(broken_types)}\n"
        + "\n".join(f"{name}: {failure}" for name, failure in sorted(undeclared.items()))
    )
    assert breaking <= broken_types, (
        f"{BREAKING.name} names {sorted(breaking - broken_types)}, but {base}'s histories "
        "of those still replay: declare only a real break"
    )
