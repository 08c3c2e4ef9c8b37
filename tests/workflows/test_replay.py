"""Every committed history still replays on today's workflow code.

The histories under histories/<workflow>/ were recorded by `make histories`
(tests/workflows/record.py) on the code of the commit that holds them; this test never
records. A change that would break a workflow already running (a new timer, an
activity moved, a step dropped) fails here as a non-determinism error naming the
history, not in production (docs/architecture.md, "Changing a workflow").
"""

from __future__ import annotations

from functools import cache

import pytest

from tests.workflows.record import RECORDERS
from tests.workflows.replay import HISTORIES, committed, replay_failures

pytestmark = pytest.mark.workflow
PATHS = [p.relative_to(HISTORIES).as_posix() for p in committed()]


@cache
def failures() -> dict[str, Exception | None]:
    """All of them in one Replayer (a second each otherwise); each test reads its own."""
    return replay_failures({path: (HISTORIES / path).read_text() for path in PATHS})


@pytest.mark.parametrize("path", PATHS)
def test_a_committed_history_replays_on_todays_code(path):
    failure = failures()[path]

    assert failure is None, f"{path} no longer replays: {failure}"


def test_every_recorded_scenario_has_its_history_and_no_other_is_kept():
    """A scenario added without recording, or a file a removed scenario left behind."""
    found = {p.relative_to(HISTORIES).as_posix() for p in committed()}
    expected = set()
    for recorder in RECORDERS:
        for scenario in recorder.SCENARIOS:
            matching = {
                f"{directory}/{p.name}"
                for directory in recorder.DIRECTORIES
                for p in (HISTORIES / directory).glob("*.json")
                if p.stem.split("-")[0] == scenario
            }
            assert matching, f"no history for {recorder.__name__}: {scenario}; `make histories`"
            expected |= matching

    assert found == expected, f"histories no scenario records: {sorted(found - expected)}"
