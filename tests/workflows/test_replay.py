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

from tests.workflows.record import DIRECTORIES
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
    expected, found = set(), {p.relative_to(HISTORIES).as_posix() for p in committed()}
    for directory, recorder in DIRECTORIES.items():
        names = [p.name for p in (HISTORIES / directory).glob("*.json")]
        for scenario in recorder.SCENARIOS:
            matching = [n for n in names if n.split("-")[0].removesuffix(".json") == scenario]
            if directory in ("checkout", "order", "hold_sweep", "reindex", "waiting_room"):
                assert matching, f"no history for {directory}/{scenario}: run `make histories`"
            expected |= {f"{directory}/{n}" for n in matching}

    assert found == expected, f"histories no scenario records: {sorted(found - expected)}"
