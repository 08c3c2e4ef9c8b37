"""gunicorn's server hooks for `shopflow web` (loaded with `--config python:...`).

- logger_class: gunicorn's own lines in the store's format (entrypoints/logging_setup.py);
- on_starting (the master, once): empty the metrics directory, so counters of a
  previous run (and of pids that no longer exist) are not added to this one's.
- post_fork (each worker, before it loads web.live.asgi:app): logs in the store's format
  and, when OTLP is configured, traces.
- post_worker_init (each worker, once it has built the app): freeze what exists then.
- child_exit (the master, per dead worker): tell prometheus-client the pid is gone, so
  its live gauges (open SSE streams) stop counting it.
"""

from __future__ import annotations

import gc
from pathlib import Path

from gunicorn import glogging

from entrypoints.logging_setup import configure_logging
from settings import Settings


class StoreLogger(glogging.Logger):
    """gunicorn's logger, its lines sent through the store's handler (JSON in production)
    from the master's first line on."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        configure_logging(Settings.from_env())


logger_class = StoreLogger


def on_starting(server) -> None:  # noqa: ARG001
    directory = Settings.from_env().prometheus_multiproc_dir
    if directory is None:
        return
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink(missing_ok=True)


def post_fork(server, worker) -> None:  # noqa: ARG001
    from entrypoints.telemetry import configure_tracing

    settings = Settings.from_env()
    configure_logging(settings)
    configure_tracing(settings, "shopflow-web")


def post_worker_init(worker) -> None:  # noqa: ARG001
    # The app, its modules, settings and clients live as long as the worker: moved out of
    # the collector's generations, so the collections a search's garbage sets off no
    # longer walk them each time. 0.91-0.92 of the web tier's CPU per search against
    # 1.03 for the same build again (docs/benchmarks.md); a larger first generation on
    # top of it did not help (0.93-0.94).
    gc.freeze()


def child_exit(server, worker) -> None:  # noqa: ARG001
    if Settings.from_env().prometheus_multiproc_dir is None:
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
