"""Live stock at scale: N SSE clients on one item while shoppers buy it, and search beside.

`python -m bench.live [--clients 1000] [--seconds 20] [--search-rate 20] [--change-rate 8]`
`python -m bench.live --closed-loop [--shoppers 4] [--search-clients 4]`

A fresh embedded stack on free ports, a synthetic catalogue plus one "hot" item with
plenty of units, `shopflow worker`, `shopflow stock-relay` and the web tier exactly as
`shopflow web` serves it (gunicorn + uvicorn workers, entrypoints.asgi:app). Two phases of the
same length, in the same run:

1. baseline: shoppers take the busy item (cart ADD, then BEGIN + CANCEL over and over:
   every BEGIN and every CANCEL is one stock change) while search clients run the
   search API; no stream is open.
2. streams: the same, with N clients (bench/live_clients.py, a process of its own)
   following `/api/v1/items/<hot>/stock/events`.
3. the baseline again, streams closed (the machine's other load drifts: the search
   baseline is phases 1 and 3 together, and each is printed).

Open loop (the default): searches are sent at a fixed rate (`--search-rate` per second,
each timed from the moment it was due, so a stalled server shows as latency rather than
as fewer requests) and stock changes made at a fixed rate (`--change-rate` per second:
BEGIN and CANCEL are one change each), so every phase offers the same work and the
search p99 compares like with like. The defaults leave the box headroom without
streams. `--closed-loop` is the earlier mode: `--shoppers` and `--search-clients`
threads as fast as they can; on a saturated machine its search p99 measures the
length of the run queue, not what the streams take from search.

Reported: fan-out latency from the change (written by the committing transaction,
`changedAt`) to each client (p50/p99), the share of clients that saw every change
made while they were connected, search p50/p99 in both phases and their ratio, and
CPU seconds per process for each phase with the machine's busy share
(`*_machine_busy_share`: busy CPU-s / available CPU-s). The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime

import redis

from bench.common import bench_stack, live_web, log, percentile
from bench.live_load import SEED, OpenShoppers, Shoppers, open_search_load, search_load
from bench.procs import CpuMeter, background
from bench.shoppers import Shopper, create_shoppers
from settings import PROJECT_ROOT, Settings

HOT_UNITS = 1_000_000


def load(settings: Settings, items: int) -> int:
    """`items` generated items plus one busy item with plenty of units; its id."""
    from catalog.generator import generate_item, generate_items, generate_warehouses
    from catalog.loader import load_catalog

    warehouses = generate_warehouses(4, SEED)
    ids = tuple(w.id for w in warehouses)
    hot_id = items + 1

    def stream():
        yield from generate_items(items, warehouse_ids=list(ids), seed=SEED)
        hot = generate_item(hot_id, seed=SEED, warehouse_ids=ids)
        yield replace(hot, name="Bench Busy Item", stock_by_warehouse=((ids[0], HOT_UNITS),))

    load_catalog(settings, warehouses, stream(), total=items + 1, progress=False)
    return hot_id


def changes_of(settings: Settings, item_id: int) -> dict[int, float]:
    """Every change of the item in the feed: event id -> when it was written (unix s)."""
    client = redis.Redis.from_url(settings.redis_url)
    out = {}
    for _, fields in client.xrange(f"{settings.stock_feed_namespace}:changes"):
        body = json.loads(fields[b"d"])
        if body["itemID"] == item_id:
            out[body["eventID"]] = datetime.fromisoformat(body["changedAt"]).timestamp()
    return out


def load_phase(args: argparse.Namespace, base: str, shoppers: list[Shopper], hot: int):
    """One phase's load: (search latencies, stock changes made)."""
    if args.closed_loop:
        with Shoppers(base, shoppers, hot) as buying:
            samples = search_load(base, args.search_clients, args.seconds)
        return samples, buying.cycles * 2
    with OpenShoppers(base, shoppers, hot, args.change_rate) as buying:
        samples = open_search_load(base, args.search_rate, args.seconds)
    return samples, buying.changes


def busy_share(cpu: dict) -> float:
    return round(cpu["machine_busy"] / max(cpu["machine_capacity"], 1e-9), 3)


def run(args: argparse.Namespace) -> dict:
    from entrypoints.gunicorn import venv_bin

    result: dict = {"clients": args.clients, "seconds": args.seconds}
    if args.closed_loop:
        result.update(mode="closed", shoppers=args.shoppers, search_clients=args.search_clients)
    else:
        result.update(mode="open", search_rate=args.search_rate, change_rate=args.change_rate)
    with bench_stack() as settings:
        hot = load(settings, args.items)
        shoppers = create_shoppers(settings, args.shoppers * 2, "live")
        env = settings.child_env()
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])
        )
        with ExitStack() as stack:
            stack.enter_context(
                background(
                    "bench-worker",
                    [venv_bin("shopflow"), "worker"],
                    env,
                    settings.var_dir,
                    "Worker polling",
                )  # fmt: skip
            )
            stack.enter_context(
                background(
                    "bench-relay",
                    [venv_bin("shopflow"), "stock-relay"],
                    env,
                    settings.var_dir,
                    "stock relay: active",
                )  # fmt: skip
            )
            base = stack.enter_context(
                live_web(
                    settings, workers=args.web_workers, begin_limit_per_user="1000000 per minute"
                )
            )
            search_load(base, args.search_clients, 3)  # warm-up: connections, caches
            meter = CpuMeter(settings)

            log(f"phase 1: {args.seconds} s of shoppers + search, no streams")
            meter.start()
            idle, result["baseline_changes"] = load_phase(
                args, base, shoppers[: args.shoppers], hot
            )
            result["baseline_cpu_s"] = meter.stop()

            log(f"phase 2: {args.clients} SSE clients connect ...")
            out = settings.var_dir / "live-clients.json"
            clients = subprocess.Popen(
                [sys.executable, "-m", "bench.live_clients", "--url", base, "--item", str(hot),
                 "--clients", str(args.clients), "--out", str(out)],
                cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            ready = clients.stdout.readline().strip()
            log(f"clients: {ready}; {args.seconds} s of shoppers + search + streams")
            connected_at = time.time()
            meter.start()
            busy, result["streams_changes"] = load_phase(args, base, shoppers[args.shoppers :], hot)
            result["streams_cpu_s"] = meter.stop()
            stopped_at = time.time()
            time.sleep(3)  # let the last changes reach everyone
            clients.send_signal(signal.SIGTERM)
            clients.wait(timeout=120)
            seen = json.loads(out.read_text())

            # The baseline again, streams closed: on a shared machine the load of other
            # processes drifts, and a baseline on both sides shows by how much.
            log(f"phase 3: {args.seconds} s of shoppers + search, streams closed")
            meter.start()
            after, result["after_changes"] = load_phase(args, base, shoppers[: args.shoppers], hot)
            result["after_cpu_s"] = meter.stop()
        for phase in ("baseline", "streams", "after"):
            result[f"{phase}_machine_busy_share"] = busy_share(result[f"{phase}_cpu_s"])

        written = changes_of(settings, hot)
    expected = {e for e, at in written.items() if connected_at + 1 <= at <= stopped_at}
    latencies, complete = [], 0
    for events in seen["clients"]:
        ids = {event_id for event_id, _ in events}
        complete += expected <= ids
        latencies += [at - written[e] for e, at in events if e in expected]
    result.update(
        {
            "connected": seen["connected"],
            "failed": seen["failed"],
            "changes_while_streaming": len(expected),
            "fanout_p50_ms": round(percentile(latencies, 50), 1),
            "fanout_p99_ms": round(percentile(latencies, 99), 1),
            "clients_saw_every_change": round(complete / max(1, args.clients), 4),
            "search_p50_ms_no_streams": round(percentile(idle + after, 50), 1),
            "search_p99_ms_no_streams": round(percentile(idle + after, 99), 1),
            "search_p50_ms_streams": round(percentile(busy, 50), 1),
            "search_p99_ms_streams": round(percentile(busy, 99), 1),
            "search_p99_ms_before_after": [
                round(percentile(idle, 99), 1),
                round(percentile(after, 99), 1),
            ],
            "searches": [len(idle), len(busy), len(after)],
        }
    )
    result["search_p99_ratio"] = round(
        result["search_p99_ms_streams"] / result["search_p99_ms_no_streams"], 2
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--closed-loop",
        action="store_true",
        help="shoppers and search clients as fast as they can (the earlier mode)",
    )
    parser.add_argument("--search-rate", type=float, default=20, help="open loop: searches/s")
    parser.add_argument("--change-rate", type=float, default=8, help="open loop: changes/s")
    parser.add_argument("--shoppers", type=int, default=8, help="shoppers per phase")
    parser.add_argument("--search-clients", type=int, default=4, help="closed loop only")
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--web-workers", type=int, default=2)
    result = run(parser.parse_args())
    for phase in ("baseline", "streams", "after"):
        log(
            f"{phase}: machine busy {result[f'{phase}_machine_busy_share']:.0%}, "
            f"CPU-s {result[f'{phase}_cpu_s']}"
        )
    print(json.dumps(result, separators=(",", ":")))


if __name__ == "__main__":
    main()
