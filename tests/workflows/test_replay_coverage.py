"""Every branch of workflows/*.py is reached by some committed history.

Replays all of tests/workflows/histories/ in a process of its own with line and branch
tracing (tests/workflows/replay_coverage.py) and fails naming `file:line` of each
statement or branch no history reaches, unless ALLOWED below says why no history can.
A new path in a workflow therefore needs a scenario in a recorder and `make
histories`, so that its replay guards it from then on.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

pytestmark = pytest.mark.workflow
ROOT = Path(__file__).resolve().parents[2]

VALIDATOR = "an update validator: replay never runs it (a refused update leaves no event)"
QUERY = "a query: answered live, never part of a history"
STARTER_ID = "a workflow id for the starters and the web; no workflow code calls it"
RETRIED_FOREVER = (
    "a technical failure of an activity retried until it succeeds never reaches the workflow"
)
# (file, function, line text or "*" for every line of the function) -> why no history
# reaches it. A branch matches by the text of its line or of the line it would go to.
# Kept small: anything else gets a scenario in a recorder.
ALLOWED: dict[tuple[str, str, str], str] = {
    ("workflows/checkout.py", "CheckoutWorkflow._validate_begin", "*"): VALIDATOR,
    ("workflows/checkout.py", "CheckoutWorkflow._validate_pay", "*"): VALIDATOR,
    ("workflows/checkout.py", "CheckoutWorkflow._validate_pay_and_submit", "*"): VALIDATOR,
    ("workflows/checkout.py", "CheckoutWorkflow._validate_submit", "*"): VALIDATOR,
    ("workflows/checkout.py", "CheckoutWorkflow._validate_cancel", "*"): VALIDATOR,
    ("workflows/checkout.py", "CheckoutWorkflow._check_payment", "*"): VALIDATOR
    + " (called only from the pay validators)",
    ("workflows/order.py", "OrderWorkflow._validate_cancel", "*"): VALIDATOR,
    ("workflows/order.py", "OrderWorkflow._validate_cancel_unshipped", "*"): VALIDATOR,
    ("workflows/suborder.py", "SuborderWorkflow._validate_delivered", "*"): VALIDATOR,
    ("workflows/waiting_room.py", "WaitingRoomWorkflow.last_tick", "*"): QUERY,
    ("workflows/reindex.py", "ReindexCatalogWorkflow.progress", "*"): QUERY,
    ("workflows/suborder.py", "SuborderWorkflow.status", "*"): QUERY,
    ("workflows/mail_messages.py", "EmailRequest.event_key", "*"): "called by the mail "
    "activity and the web, never by workflow code",
    ("workflows/mail_messages.py", "email_workflow_id", "*"): "the web's id for an "
    "EmailWorkflow it starts; not workflow code",
    ("workflows/checkout_messages.py", "checkout_workflow_id", "*"): STARTER_ID,
    ("workflows/order_messages.py", "order_workflow_id", "*"): STARTER_ID,
    ("workflows/task_queues.py", "<module>", "*"): "the task queues' names, for the worker "
    "and the starters; no workflow code imports the module",
    ("workflows/task_queues.py", "task_queue", "*"): STARTER_ID,
    ("workflows/waiting_room_messages.py", "waiting_room_workflow_id", "*"): STARTER_ID,
    (
        "workflows/hold_sweep_messages.py",
        "schedule_id",
        "*",
    ): "the worker names its Schedule with it",
    ("workflows/order.py", "OrderWorkflow._plan_rest", "raise"): RETRIED_FOREVER,
    ("workflows/order.py", "OrderWorkflow._cancel", "raise"): RETRIED_FOREVER,
    ("workflows/order.py", "OrderWorkflow._cancel_unshipped", "raise"): RETRIED_FOREVER,
    ("workflows/suborder.py", "SuborderWorkflow.run", "raise"): RETRIED_FOREVER,
    ("workflows/suborder.py", "SuborderWorkflow._cancel_suborder", "raise"): RETRIED_FOREVER,
    ("workflows/suborder.py", "SuborderWorkflow._ship_suborder", "raise"): RETRIED_FOREVER,
    ("workflows/checkout_steps.py", "reraise_cancellation", "raise error"): (
        "an operator cancelling the workflow itself: the SDK hands an activity's "
        "cancellation over as ActivityError, so this guard is belt and braces"
    ),
    (
        "workflows/waiting_room.py",
        "WaitingRoomWorkflow.run",
        "break",
    ): "continue-as-new is suggested only after thousands of events; each run ends sooner",
    (
        "workflows/order.py",
        "OrderWorkflow.suborder_changed",
        "return",
    ): "a report from a suborder this run did not start: only a signal sent by hand",
    ("workflows/order.py", "OrderWorkflow.cancel", "if self._status != OS.CANCELLED:"): (
        "the run closes in the workflow task that makes it CANCELLED: no cancel comes after"
    ),
    (
        "workflows/suborder.py",
        "SuborderWorkflow.run",
        "elif self._status == SS.SHIPPED and self._deliver:",
    ): "_has_work lets the loop on only for one of the three cases it tests",
}


def function_at(path: Path) -> dict[int, str]:
    """line -> the qualified name of the innermost function or method holding it."""
    owners: dict[int, str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                for line in range(child.lineno, (child.end_lineno or child.lineno) + 1):
                    owners[line] = name
                visit(child, f"{name}.")

    visit(ast.parse(path.read_text()), "")
    return owners


@cache
def measured() -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.workflows.replay_coverage"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def unreached() -> tuple[list[str], set[tuple[str, str, str]]]:
    """`file:line` of each statement or branch no history reaches and ALLOWED does not
    excuse, and the ALLOWED entries that excused something."""
    found, used = [], set()
    for file, gaps in sorted(measured()["missing"].items()):
        path = ROOT / file
        source = path.read_text().splitlines()
        owners = function_at(path)
        items = [(line, 0, f"{file}:{line}") for line in gaps["lines"]]
        items += [
            (a, b, f"{file}:{a} (branch to {'exit' if b < 0 else b})") for a, b in gaps["branches"]
        ]
        for line, target, where in items:
            function, text = owners.get(line, "<module>"), source[line - 1].strip()
            keys = {(file, function, "*"), (file, function, text)}
            if target > 0:
                keys.add((file, function, source[target - 1].strip()))
            if keys & ALLOWED.keys():
                used |= keys & ALLOWED.keys()
            else:
                found.append(f"{where} in {function}: {text}")
    return found, used


def test_the_committed_histories_replay_while_measured():
    assert measured()["broken"] == {}


def test_every_workflow_branch_is_reached_by_a_committed_history():
    found, _ = unreached()

    assert not found, (
        "no committed history reaches these; add a scenario to a recorder "
        "(tests/workflows/*_histories.py) and run `make histories`, or, if no history "
        "can, add it to ALLOWED with the reason:\n" + "\n".join(found)
    )


def test_every_allowed_gap_is_still_a_gap():
    _, used = unreached()

    assert set(ALLOWED) - used == set(), "reached now, or gone: drop from ALLOWED"
