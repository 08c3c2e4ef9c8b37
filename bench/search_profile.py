"""Where one web worker's CPU goes during bench/search.py's load: py-spy on `GET /api/v1/items`.

    python -m bench.search_profile --items 20000 --seconds 20 --out /tmp/search.raw

A fresh embedded stack with the synthetic catalogue, gunicorn with one uvicorn worker
(cache off unless `--cache-ttl`), 16 clients running bench/search.py's query mix
without pause, and `py-spy record --gil` on the worker meanwhile: only the thread
holding the GIL is sampled, so a thread waiting on a socket is not counted and the
samples follow Python CPU time (not the kernel's share of a send or a recv). Prints
the worker's CPU ms per search without py-spy attached, then each frame's share of
the samples, inclusive (a frame counts once per sample). py-spy is not a dependency
of the store: `pip install py-spy` into your venv (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlencode

import psutil
import urllib3

from bench.common import bench_stack, live_web, log, timed_concurrently
from bench.search import QUERY_MIX, _api_params

CLIENTS = 16


def shares(raw_path: str, top: int) -> list[tuple[float, str]]:
    """py-spy's raw output (`frame;frame;... count` lines) as inclusive shares, largest first."""
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    with open(raw_path) as raw:
        for line in raw:
            stack, _, n = line.rstrip("\n").rpartition(" ")
            if not stack:
                continue
            total += int(n)
            # One frame per function: the line number is left out.
            for frame in {re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")}:
                counts[frame] += int(n)
    return [(100 * n / total, frame) for frame, n in counts.most_common(top)] if total else []


def run(items: int, seconds: int, out: str, cache_ttl: int) -> None:
    from catalog.generator import generate_items, generate_warehouses
    from catalog.loader import load_catalog

    beside = Path(sys.executable).parent / "py-spy"  # the venv's, when not activated
    spy = str(beside) if beside.exists() else shutil.which("py-spy")
    if spy is None:
        raise SystemExit("py-spy is not on PATH: pip install py-spy (into your venv only)")
    with bench_stack() as settings:
        warehouses = generate_warehouses(8, 42)
        log(f"loading {items:,} items ...")
        generated = generate_items(items, warehouse_ids=[w.id for w in warehouses], seed=42)
        load_catalog(settings, warehouses, generated, total=items, progress=False)
        with live_web(
            settings, workers=1, search_cache_ttl_seconds=cache_ttl, search_timeout_seconds=30
        ) as base:
            http = urllib3.connection_from_url(
                base, maxsize=CLIENTS, block=True, retries=False, timeout=60.0
            )

            def call(task) -> None:
                answer = http.request("GET", "/api/v1/items?" + urlencode(_api_params(*task)))
                if answer.status != 200:
                    raise RuntimeError(f"HTTP {answer.status}: {answer.data[:200]!r}")

            timed_concurrently(call, QUERY_MIX * 3, CLIENTS)  # warm
            master = next(
                p
                for p in psutil.process_iter(["cmdline"])
                if f":{settings.port}" in " ".join(p.info["cmdline"] or [])
                and "gunicorn" in " ".join(p.info["cmdline"] or [])
            )
            worker = master.children()[0]
            searches = QUERY_MIX * 20
            before = sum(worker.cpu_times()[:2])
            timed_concurrently(call, searches, CLIENTS)
            cpu_ms = (sum(worker.cpu_times()[:2]) - before) * 1000 / len(searches)
            stop = threading.Event()

            def load() -> None:
                while not stop.is_set():
                    timed_concurrently(call, QUERY_MIX, CLIENTS)

            loader = threading.Thread(target=load)
            loader.start()
            try:
                log(f"py-spy on worker {worker.pid} for {seconds} s ...")
                subprocess.run(
                    [spy, "record", "--gil", "-r", "250", "--format", "raw", "-o", out]
                    + ["--pid", str(worker.pid), "--duration", str(seconds)],
                    check=True,
                    capture_output=True,
                )
            finally:
                stop.set()
                loader.join()
    print(f"worker CPU ms per search (without py-spy): {cpu_ms:.2f}")
    for share, frame in shares(out, 60):
        print(f"{share:5.1f}% {frame}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--out", default="/tmp/shopflow-search-profile.raw")
    parser.add_argument("--cache-ttl", type=int, default=0, help="0: cache off, as bench.search")
    args = parser.parse_args()
    run(args.items, args.seconds, args.out, args.cache_ttl)


if __name__ == "__main__":
    main()
