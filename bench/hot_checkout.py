"""`python -m bench.checkout --hot`: the contention scenario with the waiting room on.

One fresh embedded stack, `shopflow worker` and gunicorn (as bench.checkout), two
items with `--contention-units` units each, and in the same run:

  baseline  `--contention-shoppers` shoppers BEGIN for one unit of the plain item,
            `--contention-concurrency` at a time (bench.checkout's contention): a
            loser knows when BEGIN answers 409.
  hot       a staff token switches the other item hot (PUT /api/v1/items/<id>/hot);
            the same number of shoppers all BEGIN at once (202, a place in line) and
            follow their ticket's eventsURL (Server-Sent Events, as the waiting page
            does; `--follow poll` polls the statusURL every `--poll-seconds` instead).
            An ADMITTED shopper BEGINs with the ticket, pays and submits; a loser knows
            when the status says SOLD_OUT.

Reported: orders and units (exactly the units, zero oversold), losers told SOLD_OUT,
p50/p99 seconds until each loser knows (from its first BEGIN) in both modes and their
ratio, and how long after the sale really ended (the last SUBMIT answered) each loser
heard: the "told within 2 s" goal, which includes up to one poll interval. Then
invariants I1-I3 and CPU seconds per process. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass

import httpx
import psycopg

from bench.checkout_catalog import load
from bench.checkout_measures import StockWatch, invariants_hold, log_cpu, units_ordered
from bench.common import bench_stack, live_web, log, percentile
from bench.procs import CpuMeter, child_env, store_worker
from bench.shoppers import Shopper, contend, create_shoppers, payment_body, psycopg_dsn

BEGIN = "/api/v1/checkout?op=BEGIN"


@dataclass
class HotOutcome:
    ordered: bool = False
    sold_out: bool = False
    knows_at: float | None = None  # perf_counter when the shopper learned the end
    knows_after: float | None = None  # seconds from its first BEGIN
    submitted_at: float | None = None
    polls: int = 0
    error: str = ""


def twin_item(dsn: str, scarce_id: int, units: int) -> int:
    """A second scarce item (not in search: nobody searches here), same warehouse."""
    hot_id = scarce_id + 1
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "INSERT INTO items (id, sku, name, description, category, brand, price) "
            "SELECT %s, sku || '-HOT', 'Bench Hot Release', description, category, brand, "
            "price FROM items WHERE id = %s",
            (hot_id, scarce_id),
        )
        conn.execute(
            "INSERT INTO aggregated_stock (item_id, stock) VALUES (%s, %s)", (hot_id, units)
        )
        conn.execute(
            "INSERT INTO warehouse_stock (item_id, warehouse_id, physical_stock, "
            "available_stock) SELECT %s, warehouse_id, %s, %s FROM warehouse_stock "
            "WHERE item_id = %s LIMIT 1",
            (hot_id, units, units, scarce_id),
        )
    return hot_id


async def _retried(send, attempts: int = 3) -> httpx.Response:
    """For the calls that are safe to repeat (joining, reading a ticket, BEGIN with an
    admitted ticket): a connection reset is retried, not counted as a failed shopper."""
    for attempt in range(attempts):
        try:
            return await send()
        except httpx.TransportError:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.2)
    raise AssertionError("unreachable")


async def _followed(streams: httpx.AsyncClient, url: str, headers: dict) -> str:
    """The ticket's status once it is no longer WAITING, read from its event stream."""
    async with streams.stream("GET", url, headers=headers) as response:
        if response.status_code != 200:
            raise RuntimeError(f"events: {response.status_code}")
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                status = json.loads(line[5:])["status"]
                if status != "WAITING":
                    return status
    raise RuntimeError("events: the stream ended while WAITING")


async def hot_shopper(
    http: httpx.AsyncClient,
    streams: httpx.AsyncClient | None,
    shopper: Shopper,
    item_id: int,
    poll: float,
) -> HotOutcome:
    outcome = HotOutcome()
    headers = shopper.headers
    cart = {"cart": [{"itemID": item_id, "quantity": 1}]}
    started = time.perf_counter()
    try:
        answer = await _retried(lambda: http.post(BEGIN, json=cart, headers=headers))
        status = answer.json().get("status") if answer.status_code == 202 else None
        if answer.status_code != 202:
            raise RuntimeError(f"join: {answer.status_code} {answer.text[:200]}")
        place = answer.json()
        if status == "WAITING" and streams is not None:
            status = await _followed(streams, place["eventsURL"], headers)
        while status == "WAITING":
            await asyncio.sleep(poll)
            answer = await _retried(lambda: http.get(place["statusURL"], headers=headers))
            outcome.polls += 1
            if answer.status_code != 200:
                raise RuntimeError(f"status: {answer.status_code} {answer.text[:200]}")
            status = answer.json()["status"]
        if status == "SOLD_OUT":
            outcome.sold_out = True
            outcome.knows_at = time.perf_counter()
            outcome.knows_after = outcome.knows_at - started
            return outcome
        if status != "ADMITTED":
            raise RuntimeError(f"ticket ended {status}")
        with_ticket = {**cart, "ticketID": place["ticketID"]}
        begun = await _retried(lambda: http.post(BEGIN, json=with_ticket, headers=headers))
        while begun.status_code == 409 and "checkout_beginning" in begun.text:
            await asyncio.sleep(0.2)  # a retried BEGIN met the first one still running
            begun = await _retried(lambda: http.post(BEGIN, json=with_ticket, headers=headers))
        if begun.status_code != 201:
            raise RuntimeError(f"begin: {begun.status_code} {begun.text[:200]}")
        checkout = begun.json()
        paid = await http.post(
            checkout["paymentInputURL"], json=payment_body(shopper), headers=headers
        )
        if paid.status_code != 200:
            raise RuntimeError(f"pay: {paid.status_code} {paid.text[:200]}")
        placed = await http.post(
            "/api/v1/checkout?op=SUBMIT",
            json={"checkoutID": checkout["checkoutID"]},
            headers=headers,
        )
        if placed.status_code != 201:
            raise RuntimeError(f"submit: {placed.status_code} {placed.text[:200]}")
        outcome.ordered = True
        outcome.submitted_at = time.perf_counter()
    except Exception as error:  # noqa: BLE001 - reported with the rest
        outcome.error = f"{type(error).__name__}: {error}"[:300]
    return outcome


async def hot_sale(base: str, shoppers: list[Shopper], item_id: int, args) -> list[HotOutcome]:
    # gunicorn closes a keep-alive connection after 2 s idle; a request sent on one it is
    # closing gets a reset. Drop idle connections first, after 1 s.
    limits = httpx.Limits(
        max_connections=args.contention_concurrency,
        max_keepalive_connections=args.contention_concurrency,
        keepalive_expiry=1.0,
    )
    # One connection per follower: a stream holds its connection until the ticket moves on.
    stream_limits = httpx.Limits(max_connections=len(shoppers) + 10)
    async with (
        httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http,
        httpx.AsyncClient(base_url=base, timeout=300, limits=stream_limits) as streams,
    ):
        follow = streams if args.follow == "sse" else None
        return await asyncio.gather(
            *(hot_shopper(http, follow, s, item_id, args.poll_seconds) for s in shoppers)
        )


def seconds_pct(samples: list[float], pct: float) -> float:
    return round(percentile(samples, pct) / 1000, 2)


def run_hot(args: argparse.Namespace) -> dict:
    units, count = args.contention_units, args.contention_shoppers
    with bench_stack() as settings:
        dsn = psycopg_dsn(settings)
        plain_id = load(settings, args.items, units)
        hot_id = twin_item(dsn, plain_id, units)
        plain_crowd = create_shoppers(settings, count, "rush")
        hot_crowd = create_shoppers(settings, count, "line")
        (staff,) = create_shoppers(settings, 1, "staff")
        with psycopg.connect(dsn) as conn:
            conn.execute("UPDATE users SET role = 'operator' WHERE id = %s", (staff.user_id,))

        with ExitStack() as stack:
            stack.enter_context(store_worker(settings, child_env(settings), args.worker_threads))
            base = stack.enter_context(
                live_web(
                    settings,
                    workers=args.web_workers,
                    threads=args.web_threads,
                    ready_seconds=180,  # a shared box under load boots slowly
                    login_rate_limit_attempts=1_000_000,
                    waiting_room_admission_rate=args.admission_rate,
                    admission_window_seconds=60,
                )
            )
            meter = CpuMeter(settings)

            log(f"baseline: {count} shoppers BEGIN for {units} units, no waiting room ...")
            meter.start()
            with (
                StockWatch(dsn, plain_id) as plain_watch,
                httpx.Client(base_url=base, timeout=120) as http,
                ThreadPoolExecutor(max_workers=args.contention_concurrency) as pool,
            ):
                started = time.perf_counter()
                rush = list(pool.map(lambda s: contend(http, s, plain_id), plain_crowd))
                plain_s = time.perf_counter() - started
            cpu_plain = meter.stop()
            plain_knows = [o.seconds["begin"] for o in rush if o.sold_out]
            plain_orders, plain_units, _ = units_ordered(dsn, plain_id)
            log(
                f"  {plain_orders} orders, {len(plain_knows)} told sold out, loser knows p99 "
                f"{seconds_pct(plain_knows, 99)} s; {plain_s:.1f} s"
            )
            log_cpu("the baseline", cpu_plain)

            switched = httpx.put(
                f"{base}/api/v1/items/{hot_id}/hot",
                json={"enabled": True},
                headers=staff.headers,
                timeout=120,
            )
            assert switched.status_code == 200 and switched.json()["waitingRoomRunning"], (
                switched.text
            )
            log(
                f"hot: {count} shoppers join the line for {units} units "
                f"(admission {args.admission_rate}/s, following by {args.follow}) ..."
            )
            meter.start()
            with StockWatch(dsn, hot_id) as hot_watch:
                started = time.perf_counter()
                outcomes = asyncio.run(hot_sale(base, hot_crowd, hot_id, args))
                hot_s = time.perf_counter() - started
            cpu_hot = meter.stop()
            log_cpu("the hot sale", cpu_hot)
            hot_orders, hot_units, stock_now = units_ordered(dsn, hot_id)
            invariants_ok = invariants_hold(settings)

    failed = [o for o in outcomes if o.error]
    for o in failed[:3]:
        log(f"  failed: {o.error}")
    ordered = [o for o in outcomes if o.ordered]
    losers = [o for o in outcomes if o.sold_out]
    knows = [o.knows_after for o in losers if o.knows_after is not None]
    sale_over = max((o.submitted_at for o in ordered if o.submitted_at), default=None)
    lag = [o.knows_at - sale_over for o in losers if sale_over and o.knows_at]
    oversold = max(0, hot_units - units) + max(0, -(hot_watch.minimum or 0))
    plain_p99 = seconds_pct(plain_knows, 99)
    hot_p99 = seconds_pct(knows, 99)
    log(
        f"  {hot_orders} orders ({hot_units} units), {len(losers)} told SOLD_OUT, "
        f"{len(failed)} failed; loser knows p50 {seconds_pct(knows, 50)} s p99 {hot_p99} s; "
        f"after the last order p99 {seconds_pct(lag, 99)} s; {hot_s:.1f} s"
    )
    return {
        "scenario": "hot",
        "shoppers": count,
        "units": units,
        "admission_rate_per_s": args.admission_rate,
        "follow": args.follow,
        "poll_seconds": args.poll_seconds,
        "orders": hot_orders,
        "units_ordered": hot_units,
        "oversold": oversold,
        "min_stock_seen": hot_watch.minimum,
        "stock_left": stock_now,
        "losers_told_sold_out": len(losers),
        "failed": len(failed),
        "loser_knows_p50_s": seconds_pct(knows, 50),
        "loser_knows_p99_s": hot_p99,
        "loser_knows_after_sale_over_p99_s": seconds_pct(lag, 99),
        "loser_knows_after_sale_over_max_s": round(max(lag), 2) if lag else None,
        "polls_per_shopper_p50": percentile([o.polls for o in outcomes], 50) / 1000,
        "sale_s": round(hot_s, 1),
        "baseline_orders": plain_orders,
        "baseline_units_ordered": plain_units,
        "baseline_oversold": max(0, plain_units - units) + max(0, -(plain_watch.minimum or 0)),
        "baseline_losers_told_sold_out": len(plain_knows),
        "baseline_loser_knows_p50_s": seconds_pct(plain_knows, 50),
        "baseline_loser_knows_p99_s": plain_p99,
        "baseline_s": round(plain_s, 1),
        "loser_knows_p99_ratio_to_baseline": round(hot_p99 / plain_p99, 2) if plain_p99 else None,
        "invariants_ok": invariants_ok,
        "cpu_s_baseline": cpu_plain,
        "cpu_s_hot": cpu_hot,
    }
