"""The web tier's CPU per search, for several builds of the store side by side.

    python -m bench.search_builds --items 20000 --build main=main --build today=HEAD
    python -m bench.search_builds --build main=main --build orjson=<commit> --cache on

Each `--build NAME=REF` is a git commit of this repository, exported (`git archive`)
to a temporary folder and served there by its own gunicorn (one uvicorn worker, the
settings' threads) on its own port, all against one embedded stack loaded once. Rounds
interleave the builds in a rotated order, each round the fixed query mix of
bench/search.py with `--clients` concurrent clients, so every build sees the same load
on a shared machine. Reported per build: gunicorn's CPU ms per search (process CPU
time, robust to load), its ratio to the first build, and p50/p99 (noisy under load).
The last line printed is one JSON object.

What a lever is worth on its own: a build that is the baseline plus that lever alone,
measured against the baseline in the same run (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psutil
import urllib3

from bench.common import bench_stack, log, percentile, timed_concurrently
from bench.search import QUERY_MIX, _api_params
from entrypoints.gunicorn import gunicorn_args
from settings import PROJECT_ROOT, Settings
from stack.ports import free_port


@contextmanager
def served_build(settings: Settings, ref: str, folder: Path, cache_ttl: int):
    """gunicorn serving the commit `ref`; yields (base URL, gunicorn's Process)."""
    folder.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", ref], cwd=PROJECT_ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    settings = replace(settings, web_workers=1, port=free_port())
    env = settings.child_env()
    env["SEARCH_CACHE_TTL_SECONDS"] = str(cache_ttl)
    env["SEARCH_TIMEOUT_SECONDS"] = "30"
    env["PYTHONPATH"] = str(folder)  # ahead of the editable install of this checkout
    log_file = open(folder / "gunicorn.log", "wb")
    proc = subprocess.Popen(
        [*gunicorn_args(settings), "--access-logfile", "/dev/null"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_file,
    )
    base = f"http://{settings.host}:{settings.port}"
    try:
        deadline = time.monotonic() + 300  # a busy 2-core box takes minutes to import
        while True:
            try:
                # 200 with items: another server that took the port meanwhile says 404.
                answer = httpx.get(base + "/api/v1/items?query=a&limit=1", timeout=2)
                if answer.status_code == 200 and "items" in answer.json():
                    break
            except (httpx.HTTPError, ValueError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log_file.flush()
                tail = (folder / "gunicorn.log").read_text(errors="replace")[-1500:]
                raise RuntimeError(f"{ref} did not start:\n{tail}")
            time.sleep(0.3)
        yield base, psutil.Process(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log_file.close()


def _cpu(tree_root: psutil.Process) -> float:
    total = 0.0
    for proc in [tree_root, *tree_root.children(recursive=True)]:
        times = proc.cpu_times()
        total += times.user + times.system
    return total


def run(items: int, builds: list[tuple[str, str]], rounds: int, clients: int, cache: bool) -> dict:
    from catalog.generator import generate_items, generate_warehouses
    from catalog.loader import load_catalog

    with bench_stack() as settings, tempfile.TemporaryDirectory(prefix="shopflow-builds-") as tmp:
        warehouses = generate_warehouses(8, 42)
        log(f"loading {items:,} items ...")
        load_catalog(
            settings,
            warehouses,
            generate_items(items, warehouse_ids=[w.id for w in warehouses], seed=42),
            total=items,
            progress=False,
        )
        with ExitStack() as stack:
            served = {}
            for name, ref in builds:
                log(f"starting {name} ({ref}) ...")
                served[name] = stack.enter_context(
                    served_build(settings, ref, Path(tmp) / name, 300 if cache else 0)
                )
            calls = {}
            for name, (base, _) in served.items():
                # A build waits while the others run, long enough for the server to drop
                # idle kept-alive connections: a GET found reset is sent again.
                http = urllib3.connection_from_url(
                    base, maxsize=clients, block=True, retries=urllib3.Retry(2), timeout=60.0
                )

                def call(task, http=http) -> None:
                    response = http.request("GET", "/api/v1/items?" + urlencode(_api_params(*task)))
                    if response.status != 200:
                        raise RuntimeError(f"HTTP {response.status}: {response.data[:200]!r}")

                calls[name] = call
                timed_concurrently(call, QUERY_MIX * 2, clients)  # warm (and fill the cache)
            cpu = dict.fromkeys(served, 0.0)
            samples: dict[str, list[float]] = {name: [] for name in served}
            names = list(served)
            for round_ in range(rounds):
                order = names[round_ % len(names) :] + names[: round_ % len(names)]
                for name in order:
                    before = _cpu(served[name][1])
                    samples[name] += timed_concurrently(calls[name], QUERY_MIX, clients)
                    cpu[name] += _cpu(served[name][1]) - before
                log(f"round {round_ + 1}/{rounds}")
    searches = rounds * len(QUERY_MIX)
    first = names[0]
    return {
        "items": items,
        "clients": clients,
        "cache": "on" if cache else "off",
        "searches_per_build": searches,
        "load_average": round(os.getloadavg()[0], 1),
        "builds": {
            name: {
                "ref": dict(builds)[name],
                "gunicorn_cpu_ms_per_search": round(cpu[name] * 1000 / searches, 2),
                "vs_first": round(cpu[name] / cpu[first], 2) if cpu[first] else None,
                "p50_ms": round(percentile(samples[name], 50), 1),
                "p99_ms": round(percentile(samples[name], 99), 1),
            }
            for name in names
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--build", action="append", required=True, help="NAME=GIT_REF")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--cache", choices=["on", "off"], default="off")
    args = parser.parse_args()
    builds = [tuple(spec.split("=", 1)) for spec in args.build]
    started = time.perf_counter()
    result = run(args.items, builds, args.rounds, args.clients, args.cache == "on")
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
