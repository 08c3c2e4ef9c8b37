"""The one gunicorn command line: `shopflow web`, `shopflow run`, Docker and the benchmarks.

gunicorn manages uvicorn workers running the ASGI app (entrypoints/asgi.py): the stock
streams on each worker's event loop, the Flask storefront on a thread pool of
`Settings.web_threads` per worker, both on one host and port (docs/live-stock.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

from settings import Settings

WORKER_CLASS = "uvicorn_worker.UvicornWorker"


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
        "--worker-class",
        WORKER_CLASS,
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
        "entrypoints.asgi:app",
    ]
