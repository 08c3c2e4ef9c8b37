"""Record every workflow path's history into tests/workflows/histories/<workflow>/.

    make histories        # or: .venv/bin/python -m tests.workflows.record [workflow ...]

Each recorder runs the real workflow on one time-skipping test server with fake
activities and writes what the server kept. A workflow's directory is emptied first,
so a path that is gone leaves no file behind. Run it after a deliberate change to a
workflow, and commit the JSON with the change (docs/architecture.md, "Changing a
workflow"); no test records.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType

from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter

from tests.workflows import (
    checkout_histories,
    email_histories,
    order_histories,
    reindex_histories,
    return_histories,
    suborder_histories,
    sweep_histories,
    waiting_room_histories,
)
from tests.workflows.environment import close_session_servers, run
from tests.workflows.replay import HISTORIES

RECORDERS: tuple[ModuleType, ...] = (
    checkout_histories,
    order_histories,
    suborder_histories,
    sweep_histories,
    waiting_room_histories,
    reindex_histories,
    email_histories,
    return_histories,
)
# histories/<directory>/ -> the recorders that write there (the order's writes its
# suborders too, beside the suborders recorded on their own).
DIRECTORIES: dict[str, list[ModuleType]] = {}
for _recorder in RECORDERS:
    for _directory in _recorder.DIRECTORIES:
        DIRECTORIES.setdefault(_directory, []).append(_recorder)


async def record_with(recorder: ModuleType, directory: Path) -> list[Path]:
    record: Callable[[str, Path], Awaitable[list[Path]]] = recorder.record
    written = []
    for name in recorder.SCENARIOS:
        started = time.monotonic()
        paths = await record(name, directory)
        print(f"  {name}: {len(paths)} file(s), {time.monotonic() - started:.1f} s", flush=True)
        written += paths
    return written


def quieter() -> None:
    """The fakes fail on purpose (that is many paths): keep their tracebacks and the test
    server's capability warnings out of the recorder's output."""
    logging.getLogger("temporalio").setLevel(logging.ERROR)
    telemetry = TelemetryConfig(
        logging=LoggingConfig(filter=TelemetryFilter(core_level="ERROR", other_level="ERROR"))
    )
    Runtime.set_default(Runtime(telemetry=telemetry), error_if_already_set=False)


def main(argv: list[str]) -> int:
    quieter()
    wanted = argv or sorted(DIRECTORIES)
    unknown = sorted(set(wanted) - set(DIRECTORIES))
    if unknown:
        print(f"unknown workflow directories: {unknown}; known: {sorted(DIRECTORIES)}")
        return 2
    # A directory two recorders share is emptied once and refilled by both.
    wanted_dirs = set(wanted)
    while True:
        recorders = [r for r in RECORDERS if set(r.DIRECTORIES) & wanted_dirs]
        more = {d for r in recorders for d in r.DIRECTORIES} - wanted_dirs
        if not more:
            break
        wanted_dirs |= more
    try:
        for recorder in recorders:  # emptied first: a path that is gone leaves no file
            for directory in recorder.DIRECTORIES:
                (HISTORIES / directory).mkdir(parents=True, exist_ok=True)
                for old in (HISTORIES / directory).glob("*.json"):
                    old.unlink()
        for recorder in recorders:
            print(f"{recorder.__name__}:", flush=True)
            run(record_with(recorder, HISTORIES))
    finally:
        close_session_servers()
    count = sum(1 for _ in HISTORIES.glob("*/*.json"))
    print(f"{count} histories under {HISTORIES}")
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    # Skip interpreter shutdown: the Temporal runtime's threads sometimes abort it
    # (PyGILState_Release) after every file is written, which would fail `make histories`.
    os._exit(code)
