"""Fault tests: a real `shopflow worker` process per test, killed by its own pid.

The store runs on a database of its own ("fault_tests") and a task queue of its own,
so only the worker process started here picks up its workflows (the session's
in-process workers poll other queues).
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from settings import Settings
from tests import waiting
from tests.fulfilment.conftest import WAREHOUSES, Store
from tests.stock_world import seed_database


class WorkerProcess:
    """`shopflow worker` as a child process: start it, wait until it polls, SIGKILL it."""

    def __init__(self, settings: Settings, log_dir: Path) -> None:
        self._settings = settings
        self._log_dir = log_dir
        self._process: subprocess.Popen | None = None
        self.started = 0

    def start(self) -> int:
        self.started += 1
        log = self._log_dir / f"worker-{self.started}.log"
        env = {**os.environ, **self._settings.service_env(), "PYTHONUNBUFFERED": "1"}
        shopflow = str(Path(sys.executable).with_name("shopflow"))
        self._process = subprocess.Popen(
            [shopflow, "worker", "--threads", "4"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        ready = threading.Event()
        threading.Thread(target=self._copy_log, args=(log, ready), daemon=True).start()
        if not ready.wait(60):
            raise AssertionError(f"the worker never started polling; see {log}")
        return self._process.pid

    def _copy_log(self, log: Path, ready: threading.Event) -> None:
        assert self._process is not None and self._process.stdout is not None
        with log.open("w") as out:
            for line in self._process.stdout:
                out.write(line)
                out.flush()
                if "Worker polling" in line:
                    ready.set()

    def kill(self) -> None:
        """SIGKILL by pid: no shutdown, no draining, exactly like a machine dying."""
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGKILL)
        self._process.wait(10)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(20)
            except subprocess.TimeoutExpired:
                self._process.kill()


@pytest.fixture(scope="session")
def fault_settings(isolated_settings) -> Settings:
    settings = replace(
        isolated_settings("fault_tests"), task_queue=f"faults-{uuid.uuid4().hex[:8]}"
    )
    seed_database(settings.database_url, WAREHOUSES, first_user_id=3_000_001)
    return settings


@pytest.fixture
def worker(fault_settings: Settings, tmp_path: Path) -> Iterator[WorkerProcess]:
    process = WorkerProcess(fault_settings, tmp_path)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def store(fault_settings: Settings, checkout_worker, worker) -> Iterator[Store]:
    """The storefront on the fault database; `temporal()` uses the session's client."""
    from db.postgres.engine import make_engine
    from entrypoints.web_services import build_web_app

    engine = make_engine(fault_settings.database_url)
    app = build_web_app(fault_settings)
    app.config["TESTING"] = True
    yield Store(fault_settings, engine, app, checkout_worker)
    app.extensions["shopflow"].close()
    engine.dispose()


# A crashed worker takes its time to come back: a minute of patience here.
wait_until = functools.partial(waiting.wait_until, seconds=60.0, every=0.05)
