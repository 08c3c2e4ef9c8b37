"""What of workflows/*.py the committed histories reach, measured while they replay.

    .venv/bin/python -m tests.workflows.replay_coverage     # prints the JSON

Run in a process of its own (test_replay_coverage.py starts it) so that tracing is on
before any workflow module is imported (module-level lines count too) and the test
process's own tracing is left alone. Replays without the sandbox, so the frames traced
are the modules' own (the sandbox re-imports them under another loader).

coverage.py's parser says which lines are statements and which arcs a branch can take;
the tracing is a plain `sys.settrace` of our own, because coverage's tracer loses the
rest of a coroutine that an exception was thrown into (a declined card's `pay_and_submit`
ran on, yet showed as never reached). A branch counts as taken when the replay went
from its line to that target; to leave the function (a negative target) when the
function returned from that line.
"""

from __future__ import annotations

import json
import sys
import threading
from collections import defaultdict
from pathlib import Path
from types import FrameType
from typing import Any

from coverage.parser import PythonParser

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "workflows"
SUSPENDABLE = 0x20 | 0x80 | 0x200  # CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR


class Tracer:
    """Lines run and arcs taken in the given files, across threads and await points."""

    def __init__(self, files: set[str]) -> None:
        self.files = files
        self.lines: dict[str, set[int]] = defaultdict(set)
        self.arcs: dict[str, set[tuple[int, int]]] = defaultdict(set)
        self._last: dict[int, int] = {}  # id(frame) -> its last line

    def start(self) -> None:
        threading.settrace(self._global)
        sys.settrace(self._global)

    def stop(self) -> None:
        sys.settrace(None)
        threading.settrace(None)  # type: ignore[arg-type]

    def _global(self, frame: FrameType, event: str, arg: Any):
        return self._local if frame.f_code.co_filename in self.files else None

    def _local(self, frame: FrameType, event: str, arg: Any):
        name, key = frame.f_code.co_filename, id(frame)
        if event == "line":
            line = frame.f_lineno
            self.lines[name].add(line)
            if (previous := self._last.get(key)) is not None:
                self.arcs[name].add((previous, line))
            self._last[key] = line
        elif event == "return" and (previous := self._last.get(key)) is not None:
            self.arcs[name].add((previous, -frame.f_code.co_firstlineno))
            if not frame.f_code.co_flags & SUSPENDABLE:  # a coroutine may resume
                del self._last[key]
        return self._local


def gaps(path: Path, lines: set[int], arcs: set[tuple[int, int]]) -> dict[str, list]:
    """The statements never run and the branch arcs never taken, by coverage's parser."""
    parser = PythonParser(filename=str(path))
    parser.parse_source()
    ran = parser.first_lines(lines)
    taken = {(parser.first_line(a), b if b < 0 else parser.first_line(b)) for a, b in arcs}
    left = {a for a, b in taken if b < 0}
    branching = {line for line, exits in parser.exit_counts().items() if exits > 1}
    missing_branches = sorted(
        (a, b)
        for a, b in parser.arcs()
        if a in branching and a in ran and (a, b) not in taken and not (b < 0 and a in left)
    )
    return {"lines": sorted(parser.statements - ran), "branches": missing_branches}


def measure() -> dict[str, Any]:
    """workflow file (relative to the repo) -> its missing lines and branch arcs."""
    paths = sorted(p for p in WORKFLOWS.glob("*.py") if p.read_text().strip())
    tracer = Tracer({str(p) for p in paths})
    tracer.start()
    try:
        from temporalio.worker import UnsandboxedWorkflowRunner

        from tests.workflows.replay import HISTORIES, committed, replay_failures

        failures = replay_failures(
            {p.relative_to(HISTORIES).as_posix(): p.read_text() for p in committed()},
            runner=UnsandboxedWorkflowRunner(),
        )
    finally:
        tracer.stop()
    return {
        "missing": {
            str(p.relative_to(ROOT)): gaps(p, tracer.lines[str(p)], tracer.arcs[str(p)])
            for p in paths
        },
        "broken": {name: str(failure) for name, failure in failures.items() if failure},
    }


if __name__ == "__main__":
    json.dump(measure(), sys.stdout, indent=1)
