"""A soak under fire: shoppers, searchers and live viewers on the cluster while its nodes
are killed and restarted one kind at a time.

    python -m bench.cluster [--minutes 3] [--kill typesense,web,worker,relay,redis]
                            [--single]   (one embedded stack instead: tries the workload)

A cluster of its own on free ports (stack/cluster.py, docs/scaling.md), so it runs beside
a store that is already up; a synthetic catalogue plus `--watched` items (the k-th
with k × `--units` units). For `--minutes`, all through the balancer:
  - shoppers check out one unit of a watched item at a time (BEGIN, pay, SUBMIT);
  - searchers search the API as fast as they can;
  - `--viewers` SSE viewers follow the watched items' stock (bench/soak_viewers.py);
  - a probe signs a fresh shopper out everywhere on one web instance and measures how
    long the token is still accepted on the others and through the balancer.
At even intervals one node of each kind in `--kill` is SIGKILLed by its own pid, left
down `--down-seconds`, then started again. After the load stops and a settle period,
PostgreSQL is read: the sandbox gateway's ledger against the orders, stock sold against
stock loaded, each viewer's last seen stock against the database's, invariants I1-I3.

The last line printed is one JSON object (bench/soak_checks.py says what each count is).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from contextlib import AbstractContextManager
from dataclasses import replace

from bench.checkout_measures import invariants_hold, log_cpu, per_unit
from bench.common import log, percentile
from bench.procs import CpuMeter, child_env
from bench.shoppers import create_shoppers, psycopg_dsn
from bench.soak_checks import ledger, oversold, settle_viewers
from bench.soak_load import Checkouts, RevocationProbe, Searchers
from bench.soak_target import KINDS, Target, single_target
from settings import PROJECT_ROOT, Settings

SEED = 11
WAREHOUSES = 4


def load(settings: Settings, items: int, watched: int, units: int) -> dict[int, int]:
    """`items` generated items plus `watched` items, the k-th (from 1) with k × `units`
    units: the first sells out soon, the last lasts; {watched id: units}."""
    from catalog.generator import generate_item, generate_items, generate_warehouses
    from catalog.loader import load_catalog

    warehouses = generate_warehouses(WAREHOUSES, SEED)
    ids = tuple(w.id for w in warehouses)
    loaded = {items + 1 + k: units * (k + 1) for k in range(watched)}

    def stream():
        yield from generate_items(items, warehouse_ids=list(ids), seed=SEED)
        for k, item_id in enumerate(loaded):
            item = generate_item(item_id, seed=SEED, warehouse_ids=ids)
            yield replace(item, stock_by_warehouse=((ids[k % len(ids)], loaded[item_id]),))

    load_catalog(settings, warehouses, stream(), total=items + watched, progress=False)
    return loaded


def open_target(single: bool) -> AbstractContextManager[Target]:
    if single:
        return single_target()
    from bench.soak_cluster import cluster_target  # haproxy and the rest, started only here

    return cluster_target()


def wait_for_viewers(snapshot, count: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            rows = json.loads(snapshot.read_text())["viewers"]
            if sum(1 for r in rows if r[1] is not None) == count:
                return
        except (FileNotFoundError, ValueError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the {count} viewers did not all get a first event in {timeout} s")


def under_fire(
    target: Target, kinds: list[str], seconds: float, down: float, on_kill=lambda: None
) -> list[dict]:
    """Kill then restart one node of each kind, evenly spread over `seconds`;
    `on_kill()` right after each kill."""
    kills, started = [], time.monotonic()
    step = seconds / (len(kinds) + 1)
    for n, kind in enumerate(kinds, start=1):
        time.sleep(max(0.0, started + n * step - time.monotonic()))
        name = target.victim(kind)
        killed_at = time.monotonic()
        pid = target.kill(name)
        on_kill()
        log(f"{time.monotonic() - started:6.1f} s: killed {name} (pid {pid})")
        time.sleep(down)
        restarting = time.monotonic()
        new_pid = target.restart(name)
        took = round(time.monotonic() - restarting, 1)
        log(f"{time.monotonic() - started:6.1f} s: {name} back (pid {new_pid}, {took} s)")
        kills.append(
            {"name": name, "pid": pid, "restart_s": took, "at": killed_at, "back": time.monotonic()}
        )
    time.sleep(max(0.0, started + seconds - time.monotonic()))
    return kills


def by_kill(times: list[float], kills: list[dict]) -> dict[str, int]:
    """How many of the events at `times` fell before the first kill, and from each kill
    to the next: which kill they follow."""
    windows = [("before", float("-inf"))] + [(k["name"], k["at"]) for k in kills]
    counts = dict.fromkeys((name for name, _ in windows), 0)
    for t in times:
        counts[next(name for name, at in reversed(windows) if t >= at)] += 1
    return {name: n for name, n in counts.items() if n}


def slow_revocations(probe: RevocationProbe, kills: list[dict]) -> list[dict]:
    """Every probe over 1 s, with the kill it followed and how long after."""
    slow = []
    for ms, at in zip(probe.samples_ms, probe.sample_times, strict=True):
        if ms > 1000:
            after = [k for k in kills if k["at"] <= at]
            last = after[-1] if after else None
            slow.append(
                {
                    "ms": round(ms),
                    "after_kill": last["name"] if last else None,
                    "s_after_kill": round(at - last["at"], 1) if last else None,
                }
            )
    return slow


def wait_for_ledger(dsn: str, seconds: float) -> dict[str, int]:
    """The ledger once checkouts in flight have ended (or `seconds` have passed)."""
    deadline = time.monotonic() + seconds
    while True:
        books = ledger(dsn)
        settled = not books["paid_without_order"] and not books["authorized_not_captured"]
        if settled or time.monotonic() > deadline:
            return books
        time.sleep(2)


def run(args: argparse.Namespace) -> dict:
    kinds = [k for k in args.kill.split(",") if k]
    assert set(kinds) <= set(KINDS), f"--kill takes some of {','.join(KINDS)}"
    result: dict = {"minutes": args.minutes, "kinds": kinds}
    with open_target(args.single) as target:
        settings = target.settings
        result["target"] = type(target).__name__
        dsn = psycopg_dsn(settings)
        loaded = load(settings, args.items, args.watched, args.units)
        watched = list(loaded)
        shoppers = create_shoppers(settings, args.shoppers * 20, "soak")
        probes = create_shoppers(settings, int(args.minutes * 60) + 10, "probe")
        snapshot = settings.var_dir / "soak-viewers.json"
        viewers = subprocess.Popen(
            [sys.executable, "-m", "bench.soak_viewers", "--url", target.url,
             "--items", ",".join(map(str, watched)), "--viewers", str(args.viewers),
             "--out", str(snapshot)],
            cwd=PROJECT_ROOT, env=child_env(settings),
        )  # fmt: skip
        try:
            wait_for_viewers(snapshot, args.viewers)
            meter = CpuMeter(settings)
            meter.start()
            log(f"{args.minutes} min of load; killing {kinds}")
            load_started = time.monotonic()
            buying = Checkouts(target.url, shoppers, watched, args.shoppers)
            searching = Searchers(target.url, args.searchers)
            probe = RevocationProbe(target.url, target.web_urls, probes, args.probe_pause)
            try:
                kills = under_fire(
                    target, kinds, args.minutes * 60, args.down_seconds, on_kill=probe.nudge
                )
            finally:
                for load_ in (buying, searching, probe):
                    load_.stop()
            cpu = meter.stop()
            log(f"checkouts: {dict(buying.counts)}; search errors: {dict(searching.errors)}")
            log_cpu("the soak", cpu)
            books = wait_for_ledger(dsn, args.settle_seconds)
            seen = settle_viewers(dsn, snapshot, watched, args.settle_seconds)
        finally:
            viewers.terminate()
            viewers.wait(timeout=60)
        invariants_ok = invariants_hold(settings)
        sold_over = oversold(dsn, loaded)
    searches = searching.counts["searches"]
    result.update(
        {
            **books,
            "oversold": sold_over,
            "checkout_attempts": dict(buying.counts),
            "searches": searches,
            "search_errors": searching.counts["errors"],
            "search_error_kinds": dict(searching.errors),
            "search_errors_after": by_kill(searching.error_times, kills),
            **seen,
            "revocation_max_ms": round(max(probe.samples_ms), 1) if probe.samples_ms else None,
            "revocation_p50_ms": round(percentile([s / 1000 for s in probe.samples_ms], 50), 1),
            "revocation_probes": len(probe.samples_ms),
            "revocation_skipped": probe.counts["skipped"],
            "revocation_skip_reasons": {
                k.removeprefix("skipped: "): n for k, n in probe.counts.items() if ": " in k
            },
            "revocation_slow": slow_revocations(probe, kills),
            "kills": [k["name"] for k in kills],
            "kill_details": [
                {
                    "name": k["name"],
                    "pid": k["pid"],
                    "restart_s": k["restart_s"],
                    "at_s": round(k["at"] - load_started, 1),
                }
                for k in kills
            ],
            "invariants_ok": invariants_ok,
            "cpu_s": cpu,
            "cpu_ms_per_paid_checkout": per_unit(cpu, books["checkouts_paid"]),
        }
    )
    return result


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--kill", default=",".join(KINDS), help="kinds of node, in order")
    parser.add_argument("--down-seconds", type=float, default=5, help="how long a node stays down")
    parser.add_argument("--single", action="store_true", help="one embedded stack, no cluster")
    parser.add_argument("--shoppers", type=int, default=6, help="checkout threads")
    parser.add_argument("--searchers", type=int, default=3, help="search threads")
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--watched", type=int, default=20, help="items the shoppers buy")
    parser.add_argument("--units", type=int, default=10, help="the k-th watched item: k × units")
    parser.add_argument("--probe-pause", type=float, default=2.0, help="s between probes")
    parser.add_argument("--settle-seconds", type=float, default=60)
    return parser.parse_args(argv)


def main() -> None:
    started = time.perf_counter()
    result = run(arguments())
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
