"""The one gunicorn command line: `shopflow web`, `shopflow run`, Docker and the benchmarks."""

from __future__ import annotations

import sys
from pathlib import Path

from settings import Settings

# Threads let one slow request (a checkout waiting on Temporal) not block a worker.
THREADS_PER_WORKER = 8


def venv_bin(name: str) -> str:
    """A console script installed next to this interpreter (gunicorn, shopflow)."""
    return str(Path(sys.executable).parent / name)


def gunicorn_args(settings: Settings) -> list[str]:
    return [
        venv_bin("gunicorn"),
        "--bind",
        f"{settings.host}:{settings.port}",
        "--workers",
        str(settings.web_workers),
        "--threads",
        str(THREADS_PER_WORKER),
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
        "web.wsgi:app",
    ]
