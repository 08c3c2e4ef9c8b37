"""Checkout benchmark: completed orders/s through the real API, against a trivial workflow.

    python -m bench.checkout [--shoppers 300] [--concurrency 50]
                             [--contention-shoppers 1000] [--contention-units 100]
    python -m bench.checkout --hot [--admission-rate 50] [--follow sse|poll] [--poll-seconds 1]
                             (the contention through the waiting room: bench/hot_checkout.py)

One fresh embedded stack on free ports (PostgreSQL, Redis, Typesense, the Temporal dev
server), a synthetic catalogue with plenty of stock, `shopflow worker` as a subprocess
(the stack's environment, like `shopflow run` starts it) and gunicorn. Then, on the
same Temporal server:

  baseline     `bench/trivial_workflow.py`: a workflow that runs one no-op activity, started
               N times, C at a time, each awaited to completion (its own worker
               subprocess and task queue); run before and after the shoppers, averaged.
  throughput   N shoppers, C at a time, each: search → add to cart → BEGIN → pay
               (paymentInputURL) → SUBMIT; each order then goes through OrderWorkflow
               until every unit is assigned to a warehouse (spec 7: that is a
               completed order). Completed orders / time from the batch's start to
               its last warehouse assignment, and p50/p99 of every step. A few
               warm-up shoppers go first, untimed.
  contention   one item with `--contention-units` units; `--contention-shoppers`
               shoppers BEGIN for one unit each, `--contention-concurrency` (100) at a
               time; winners pay and submit.
               Exactly that many orders, nothing oversold, every loser a 409
               out_of_stock; then invariants I1-I3 over the whole database.

Accounts and tokens are made before anything is timed (bench/shoppers.py says how).
CPU seconds per process (PostgreSQL, Temporal, gunicorn, worker, ...) over each timed
phase are printed to stderr and included in the result, to show where the time goes.

The last line printed is one JSON object with the figures and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime

import httpx

from bench.checkout_catalog import load
from bench.checkout_contention import rush_for_scarce_stock
from bench.checkout_measures import (
    cpu_bound_rate,
    invariants_hold,
    log_cpu,
    orders_for,
    per_unit,
    wait_until_assigned,
)
from bench.common import bench_stack, live_web, log, percentile
from bench.procs import CpuMeter, background, child_env, store_worker
from bench.search import QUERY_MIX
from bench.shoppers import (
    STEPS,
    Outcome,
    Shopper,
    check_api_accounts,
    create_shoppers,
    journey,
    order_listed,
    psycopg_dsn,
    report_failures,
    step_ms,
)
from bench.trivial_workflow import READY_LINE, run_trivial
from settings import Settings

TRIVIAL_QUEUE = "bench-trivial"


# --- phases ---------------------------------------------------------------------------


def trivial_rate(settings: Settings, count: int, concurrency: int, label: str) -> float:
    assert settings.temporal_address is not None
    seconds, _ = asyncio.run(
        run_trivial(
            settings.temporal_address,
            settings.temporal_namespace,
            count=count,
            concurrency=concurrency,
            task_queue=TRIVIAL_QUEUE,
            prefix=f"bench-trivial-{label}-{time.time_ns()}",
        )
    )
    return count / seconds


def run_shoppers(
    http: httpx.Client, shoppers: list[Shopper], concurrency: int, avoid: int
) -> tuple[list[Outcome], float]:
    def one(shopper: Shopper) -> Outcome:
        return journey(http, shopper, QUERY_MIX[shopper.index % len(QUERY_MIX)][0], avoid=avoid)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="shopper") as pool:
        outcomes = list(pool.map(one, shoppers))
    return outcomes, time.perf_counter() - started


def run(args: argparse.Namespace) -> dict:
    result: dict = {
        "shoppers": args.shoppers,
        "concurrency": args.concurrency,
        "items": args.items,
        "web_workers": args.web_workers,
        "web_threads": args.web_threads,
        "worker_processes": args.worker_processes,
        "worker_threads": args.worker_threads,
    }
    with bench_stack() as settings:
        dsn = psycopg_dsn(settings)
        scarce_id = load(settings, args.items, args.contention_units)

        log("creating shoppers and their tokens ...")
        shoppers = create_shoppers(settings, args.warmup + args.shoppers, "shop")
        warmup, timed = shoppers[: args.warmup], shoppers[args.warmup :]
        contenders = create_shoppers(settings, args.contention_shoppers, "rush")

        env = child_env(settings)
        with ExitStack() as stack:
            for k in range(args.worker_processes):
                stack.enter_context(
                    store_worker(settings, env, args.worker_threads, name=f"bench-worker-{k}")
                )
            stack.enter_context(
                background(
                    "bench-trivial-worker",
                    [sys.executable, "-m", "bench.trivial_workflow", "--task-queue", TRIVIAL_QUEUE],
                    env,
                    settings.var_dir,
                    READY_LINE,
                )
            )
            base = stack.enter_context(
                live_web(
                    settings,
                    workers=args.web_workers,
                    threads=args.web_threads,
                    login_limit_per_ip="1000000 per minute",
                    login_limit_per_account="1000000 per minute",
                    login_limit_per_account_address="1000000 per minute",
                    register_limit_per_ip="1000000 per minute",
                    begin_limit_per_user="1000000 per minute",
                    hold_limit_per_item="1000000 per minute",
                )
            )

            # A fresh connection pool per phase: gunicorn closes a keep-alive connection
            # after 2 s idle, and a POST sent on one it is closing gets a reset.
            def client(size: int) -> httpx.Client:
                return httpx.Client(
                    base_url=base,
                    timeout=120,
                    limits=httpx.Limits(max_connections=size, max_keepalive_connections=size),
                )

            http = stack.enter_context(client(8))
            check_api_accounts(http, timed[0])
            meter = CpuMeter(settings)

            # Baseline, first pass (after a short warm-up of the worker and the client).
            trivial_rate(settings, min(20, args.shoppers), args.concurrency, "warm")
            log(f"baseline: {args.shoppers} trivial workflows, {args.concurrency} at a time ...")
            meter.start()
            first = trivial_rate(settings, args.shoppers, args.concurrency, "a")
            cpu_trivial = meter.stop()
            log(f"  {first:.1f} workflows/s")
            log_cpu("the baseline", cpu_trivial)

            # Throughput.
            if warmup:
                with client(5) as http:
                    outcomes, _ = run_shoppers(http, warmup, min(args.concurrency, 5), scarce_id)
                report_failures(outcomes, "warm-up")
            log(f"throughput: {len(timed)} shoppers, {args.concurrency} at a time ...")
            meter.start()
            batch_started = datetime.now(UTC)
            with client(args.concurrency) as http:
                outcomes, window = run_shoppers(http, timed, args.concurrency, scarce_id)
            failures = report_failures(outcomes, "throughput")
            submitted = sum(o.ok for o in outcomes)
            log(f"  {submitted} orders placed in {window:.1f} s = {submitted / window:.1f}/s")
            # An order is complete once every unit is assigned to a warehouse (spec 7).
            completed, last_assigned = wait_until_assigned(
                dsn, [s.user_id for s in timed], submitted
            )
            cpu_shop = meter.stop()
            assigned_window = (
                (last_assigned - batch_started).total_seconds() if last_assigned else float("inf")
            )
            log(
                f"  {completed} of them assigned to warehouses {assigned_window:.1f} s after the "
                f"first shopper started = {completed / assigned_window:.1f} completed orders/s"
            )
            log_cpu("the shoppers and their fulfilment", cpu_shop)
            ordered = next((o for o in outcomes if o.ok), None)
            if ordered is not None:
                owner = next(s for s in timed if s.index == ordered.shopper)
                result["order_listed"] = order_listed(base, owner, ordered.order_id)

            # Baseline, second pass: the same server after the checkouts.
            log("baseline again ...")
            second = trivial_rate(settings, args.shoppers, args.concurrency, "b")
            log(f"  {second:.1f} workflows/s")

            contention, cpu_rush = rush_for_scarce_stock(
                dsn,
                client,
                contenders,
                scarce_id,
                units=args.contention_units,
                concurrency=args.contention_concurrency,
                meter=meter,
            )
            invariants_ok = invariants_hold(settings)
        orders_in_db = orders_for(dsn, [s.user_id for s in timed])

    trivial = (first + second) / 2
    orders_per_s = completed / assigned_window
    cpu_per_order = per_unit(cpu_shop, completed)
    cpu_per_trivial = per_unit(cpu_trivial, args.shoppers)
    result.update(
        {
            "orders": completed,
            "orders_submitted": submitted,
            "submitted_per_s": round(submitted / window, 1),
            "assigned_window_s": round(assigned_window, 1),
            "orders_in_db": orders_in_db,
            "failed": len(outcomes) - submitted,
            "failures": failures,
            "window_s": round(window, 1),
            "orders_per_s": round(orders_per_s, 1),
            "trivial_wf_per_s": round(trivial, 1),
            "trivial_wf_per_s_runs": [round(first, 1), round(second, 1)],
            "ratio": round(orders_per_s / trivial, 2),
            # CPU of this run's processes per completed order over per trivial workflow:
            # what an order costs in trivial workflows (the old target of 4.5 was withdrawn:
            # docs/decisions/0001-checkout-shape.md).
            "cpu_ratio_order_vs_trivial": round(
                cpu_per_order["total"] / cpu_per_trivial["total"], 2
            )
            if cpu_per_trivial["total"]
            else None,
            **{f"{step}_p50_ms": step_ms(outcomes, step, 50) for step in STEPS},
            **{f"{step}_p99_ms": step_ms(outcomes, step, 99) for step in STEPS},
            "journey_p50_ms": round(
                percentile([sum(o.seconds.values()) for o in outcomes if o.ok], 50), 1
            ),
            **contention,
            "invariants_ok": invariants_ok,
            # CPU milliseconds each process of the run spent per unit of work, and the
            # share of the machine taken by processes that are not this run's.
            "cpu_ms_per_order": cpu_per_order,
            "cpu_ms_per_trivial_wf": cpu_per_trivial,
            # What this run's own CPU per unit would allow on an otherwise idle machine.
            "orders_per_s_cpu_bound": cpu_bound_rate(cpu_shop, completed),
            "trivial_wf_per_s_cpu_bound": cpu_bound_rate(cpu_trivial, args.shoppers),
            "foreign_cpu_share": round(cpu_shop["other"] / cpu_shop["machine_capacity"], 2),
            "cpu_s_shoppers": cpu_shop,
            "cpu_s_trivial": cpu_trivial,
            "cpu_s_contention": cpu_rush,
        }
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shoppers", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--contention-shoppers", type=int, default=1000)
    parser.add_argument("--contention-units", type=int, default=100)
    parser.add_argument("--contention-concurrency", type=int, default=100)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=10, help="untimed shoppers first")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=8)
    parser.add_argument("--worker-processes", type=int, default=1)
    parser.add_argument("--worker-threads", type=int, default=16)
    # The contention scenario with the waiting room on (bench/hot_checkout.py).
    parser.add_argument("--hot", action="store_true", help="contention through the waiting room")
    parser.add_argument("--admission-rate", type=float, default=50.0, help="--hot: admissions/s")
    parser.add_argument(
        "--follow", choices=("sse", "poll"), default="sse", help="--hot: how a ticket is followed"
    )
    parser.add_argument("--poll-seconds", type=float, default=1.0, help="--hot --follow poll")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.hot:
        from bench.hot_checkout import run_hot

        result = run_hot(args)
    else:
        result = run(args)
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
