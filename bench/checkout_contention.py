"""bench.checkout's contention phase: many shoppers BEGIN at once for one unit each of
an item with only a few units. Exactly that many orders, nothing oversold (the lowest
stock seen while they rush is watched too), every loser a 409 out_of_stock."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx

from bench.checkout_measures import StockWatch, log_cpu, units_ordered
from bench.common import log
from bench.procs import CpuMeter
from bench.shoppers import Shopper, contend, report_failures, step_ms


def rush_for_scarce_stock(
    dsn: str,
    client: Callable[[int], httpx.Client],
    contenders: list[Shopper],
    item_id: int,
    *,
    units: int,
    concurrency: int,
    meter: CpuMeter,
) -> tuple[dict, dict[str, float]]:
    """The phase's `contention_*` figures, and the CPU seconds it took per process."""
    log(f"contention: {len(contenders)} shoppers for {units} units, {concurrency} at a time ...")
    meter.start()
    with StockWatch(dsn, item_id) as watch:
        started = time.perf_counter()
        with (
            client(concurrency) as http,
            ThreadPoolExecutor(max_workers=concurrency) as pool,
        ):
            rush = list(pool.map(lambda s: contend(http, s, item_id), contenders))
        rush_seconds = time.perf_counter() - started
    cpu_rush = meter.stop()
    log_cpu("the contention", cpu_rush)
    won = [o for o in rush if o.ok]
    sold_out = [o for o in rush if o.sold_out]
    odd = [o for o in rush if not o.ok and not o.sold_out]
    if odd:
        report_failures(odd, "contention (neither an order nor sold out)")
    orders, units_sold, stock_now = units_ordered(dsn, item_id)
    oversold = max(0, units_sold - units) + max(0, -(watch.minimum or 0))
    log(
        f"  {len(won)} orders answered, {orders} in the database ({units_sold} units), "
        f"{len(sold_out)} told sold out, {len(odd)} other; stock now {stock_now}, "
        f"lowest seen {watch.minimum}; {rush_seconds:.1f} s"
    )
    figures = {
        "contention_shoppers": len(contenders),
        "contention_units": units,
        "contention_orders": orders,
        "contention_orders_answered": len(won),
        "contention_oversold": oversold,
        "contention_losers_told_sold_out": len(sold_out),
        "contention_other_answers": len(odd),
        "contention_min_stock": watch.minimum,
        "contention_begin_p50_ms": step_ms(rush, "begin", 50),
        "contention_begin_p99_ms": step_ms(rush, "begin", 99),
        "contention_s": round(rush_seconds, 1),
    }
    return figures, cpu_rush
