"""Search benchmark: the app's API against Typesense itself and against an ILIKE scan.

    python -m bench.search --items 100000 --clients 16
    python -m bench.search --items 1000000             # the 1M run of docs/benchmarks.md
    python -m bench.search --items 1000000 --levers-only  # engine CPU per search, per lever

Loads a synthetic catalogue into a fresh embedded stack, serves the app with gunicorn,
then times the same fixed mix of realistic searches several ways, each under the same
concurrency:

  typesense the identical hits body the app sends, posted straight to Typesense (the floor);
            timed again right after the app (`typesense_again_*`): the engine's own drift
  app       GET /api/v1/items with the Redis cache off (every request reaches Typesense):
            the hits a shopper gets at every keystroke (the API's default answer)
  facets    GET /api/v1/items?facets=true, cache off: hits plus facet counts, which the
            browser asks for once per search, when the typing pauses
  cached    the `app` requests with the cache on, after one warm-up pass
  ilike     the `ILIKE '%word%'` scan over name + description the design write-up warns about
  levers    (--levers, --levers-only) the keystroke's body changed one parameter at a
            time: Typesense CPU ms per search, p50, and the top-ten overlap with the
            baseline (bench/search_levers.py)
  facet levers (--facet-levers) the bodies before and after facets left the keystroke

Throughput (`*_qps`) is requests over the phase's wall time; `cores` is this machine's;
`cpu_ms_per_search` is where the CPU went during the `app` phase, per request.
The last line printed is one JSON object with the figures and the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from urllib.parse import urlencode

import psycopg
import urllib3

from bench.common import bench_stack, live_web, log, percentile, timed_concurrently
from bench.procs import CpuMeter
from bench.search_levers import measure_levers
from db.postgres.engine import normalise_url
from db.search.query import SearchQuery, SortOrder
from db.search.typesense_request import facets_search_body, hits_search_body

# (text, filters): two-word queries a shopper types, some with a filter or a sort.
QUERY_MIX: list[tuple[str, dict[str, str]]] = [
    ("wireless headphones", {}),
    ("coffee maker", {}),
    ("air fryer", {"sort": "price_asc"}),
    ("bluetooth speaker", {"inStock": "true"}),
    ("electric kettle", {}),
    ("cordless drill", {"sort": "rating"}),
    ("camping tent", {}),
    ("hiking backpack", {"maxPrice": "15000"}),
    ("board game", {}),
    ("jigsaw puzzle", {"sort": "price_desc"}),
    ("laser printer", {}),
    ("dash cam", {"inStock": "true"}),
    ("garden hose", {}),
    ("hair dryer", {"minPrice": "2000", "maxPrice": "20000"}),
    ("electric toothbrush", {}),
    ("dumbbell set", {}),
    ("fleece pullover", {"sort": "price_asc"}),
    ("cookware set", {}),
    ("lawn mower", {}),
    ("jump starter", {"inStock": "true"}),
]


def _api_params(text: str, filters: dict[str, str]) -> dict[str, str]:
    return {"query": text, "limit": "20", **filters}


def _search_query(text: str, filters: dict[str, str]) -> SearchQuery:
    return SearchQuery(
        text=text,
        sort=SortOrder(filters.get("sort", "relevance")),
        min_price=int(filters["minPrice"]) if "minPrice" in filters else None,
        max_price=int(filters["maxPrice"]) if "maxPrice" in filters else None,
        in_stock=True if filters.get("inStock") == "true" else None,
    )


_ILIKE_ORDER = {
    # Unreviewed items (rating NULL) last, as Typesense sorts them (docs/reviews.md).
    "relevance": "rating DESC NULLS LAST, id",
    "rating": "rating DESC NULLS LAST, id",
    "price_asc": "price, id",
    "price_desc": "price DESC, id",
}


def _ilike_sql(text: str, filters: dict[str, str]) -> tuple[str, list]:
    clauses, args = [], []
    for word in text.split():
        clauses.append("(i.name ILIKE %s OR i.description ILIKE %s)")
        args += [f"%{word}%", f"%{word}%"]
    if "minPrice" in filters:
        clauses.append("i.price >= %s")
        args.append(int(filters["minPrice"]))
    if "maxPrice" in filters:
        clauses.append("i.price <= %s")
        args.append(int(filters["maxPrice"]))
    if filters.get("inStock") == "true":
        clauses.append("s.stock > 0")
    order = _ILIKE_ORDER[filters.get("sort", "relevance")]
    sql = (
        "SELECT i.id, i.name, i.price FROM items i JOIN aggregated_stock s ON s.item_id = i.id "
        f"WHERE {' AND '.join(clauses)} ORDER BY {order} LIMIT 20"
    )
    return sql, args


# Variants of the body posted to Typesense (--levers): how the body looked before the
# facets moved out and the matching got cheaper, and each change on its own.
_BEFORE_MATCHING = {"num_typos": 2, "prefix": "true"}


def _lever_bodies(collection: str, query: SearchQuery) -> dict[str, dict]:
    hits = hits_search_body(collection, query, page=1, per_page=20)
    counted = facets_search_body(collection, query)["searches"]
    first = {**hits["searches"][0], **{k: v for k, v in counted[0].items() if k != "per_page"}}

    def old_matching(search: dict) -> dict:
        return {**search, **_BEFORE_MATCHING}

    return {
        # Hits and facets in one search with every field typo- and prefix-matched.
        "before": {"searches": [old_matching(first)] + [old_matching(s) for s in counted[1:]]},
        "facets_inline_cheap_matching": {"searches": [first, *counted[1:]]},
        "hits_only_old_matching": {"searches": [old_matching(hits["searches"][0])]},
        "hits_only_today": hits,
        "facets_only_today": {"searches": counted},
    }


def _pool(base_url: str, clients: int) -> urllib3.HTTPConnectionPool:
    """The load generator's HTTP: a kept-alive connection per client thread. It runs on
    the same two cores as the store, so it is the leanest pooled client at hand: with
    httpx it took 1.0-1.5 ms of the box's CPU per search (docs/benchmarks.md)."""
    return urllib3.connection_from_url(
        base_url, maxsize=clients, block=True, retries=False, timeout=60.0
    )


def _ok(response: urllib3.BaseHTTPResponse) -> None:
    if response.status >= 400:
        raise RuntimeError(f"HTTP {response.status}: {response.data[:200]!r}")


def _summary(samples: list[float], wall: float) -> dict[str, float]:
    return {
        "p50": round(percentile(samples, 50), 2),
        "p99": round(percentile(samples, 99), 2),
        "qps": round(len(samples) / wall, 1),
    }


def _phase(call: Callable, tasks: list, clients: int) -> dict[str, float]:
    started = time.perf_counter()
    samples = timed_concurrently(call, tasks, clients)
    return _summary(samples, time.perf_counter() - started)


def run(
    items: int,
    clients: int,
    rounds: int,
    ilike_rounds: int,
    levers: bool,
    *,
    levers_only: bool = False,
    facet_levers: bool = False,
) -> dict:
    from catalog.generator import generate_items, generate_warehouses
    from catalog.loader import load_catalog

    with bench_stack() as settings:
        warehouses = generate_warehouses(8, 42)
        log(f"loading {items:,} items ...")
        report = load_catalog(
            settings,
            warehouses,
            generate_items(items, warehouse_ids=[w.id for w in warehouses], seed=42),
            total=items,
            progress=True,
        )
        log(f"loaded at {report.items_per_s:,.0f} items/s")
        tasks = QUERY_MIX * rounds

        # Typesense directly: the same body the app sends, over HTTP from the same clients.
        ts = _pool(settings.typesense_url, clients)
        ts_headers = {
            "X-TYPESENSE-API-KEY": settings.typesense_api_key,
            "Content-Type": "application/json",
        }

        def typesense_call(make_body: Callable[[SearchQuery], dict]):
            def call(task) -> None:
                body = json.dumps(make_body(_search_query(*task)))
                _ok(ts.request("POST", "/multi_search", body=body, headers=ts_headers))

            return call

        collection = settings.typesense_collection
        hits_call = typesense_call(
            lambda query: hits_search_body(collection, query, page=1, per_page=20)
        )
        timed_concurrently(hits_call, QUERY_MIX, clients)  # warm the engine
        log("timing Typesense ...")
        engine_ = _phase(hits_call, tasks, clients)

        if levers or levers_only:
            log("timing the levers ...")
            engine_levers = measure_levers(
                settings, tasks, QUERY_MIX, _search_query, clients, log=log
            )
            if levers_only:
                return {
                    "items": items,
                    "clients": clients,
                    "requests": len(tasks),
                    "cores": os.cpu_count() or 1,
                    "load_items_per_s": round(report.items_per_s),
                    "typesense_p50_ms": engine_["p50"],
                    "typesense_qps": engine_["qps"],
                    "levers": engine_levers,
                }

        lever_results = {}
        if facet_levers:
            for name in _lever_bodies(collection, SearchQuery()):
                call = typesense_call(
                    lambda query, name=name: _lever_bodies(collection, query)[name]
                )
                log(f"timing Typesense, lever {name} ...")
                lever_results[name] = _phase(call, tasks, clients)

        def app_calls(base: str, **extra: str):
            http = _pool(base, clients)

            def call(task) -> None:
                params = {**_api_params(*task), **extra}
                _ok(http.request("GET", "/api/v1/items?" + urlencode(params)))

            return call

        meter = CpuMeter(settings)
        # The app gives up on Typesense after SEARCH_TIMEOUT_SECONDS (2 s) with a 503; at
        # 1M items under 16 clients the engine's slowest answers pass that, so the bench
        # lets the app wait as long as the direct Typesense calls above do.
        with live_web(
            settings, workers=2, search_cache_ttl_seconds=0, search_timeout_seconds=30
        ) as base:
            call = app_calls(base)
            timed_concurrently(call, QUERY_MIX, clients)
            log("timing the app (cache off) ...")
            meter.start()
            app = _phase(call, tasks, clients)
            cpu = meter.stop()
            # The engine alone once more, right after: a drift in the engine's own speed
            # between its first phase and the app's shows as a gap between the two.
            log("timing Typesense again ...")
            engine_again = _phase(hits_call, tasks, clients)
            log("timing the app with facet counts (cache off) ...")
            facets = _phase(app_calls(base, facets="true"), tasks, clients)

        with live_web(
            settings, workers=2, search_cache_ttl_seconds=300, search_timeout_seconds=30
        ) as base:
            call = app_calls(base)
            timed_concurrently(call, QUERY_MIX, clients)  # fills the cache
            log("timing the app (cache on, warm) ...")
            cached = _phase(call, tasks, clients)

        # The ILIKE scan: same concurrency, fewer rounds (each is a full table scan).
        dsn = normalise_url(settings.database_url).replace("postgresql+psycopg://", "postgresql://")
        pool = [psycopg.connect(dsn) for _ in range(clients)]
        free = list(pool)

        def ilike_call(task) -> None:
            conn = free.pop()
            try:
                conn.execute(*_ilike_sql(*task)).fetchall()
            finally:
                free.append(conn)

        log("timing the ILIKE scan ...")
        ilike = _phase(ilike_call, QUERY_MIX * ilike_rounds, clients)
        for conn in pool:
            conn.close()

    cores = os.cpu_count() or 1
    result = {
        "items": items,
        "clients": clients,
        "requests": len(tasks),
        "cores": cores,
        "load_items_per_s": round(report.items_per_s),
        "app_p50_ms": app["p50"],
        "app_p99_ms": app["p99"],
        "app_qps": app["qps"],
        "app_qps_per_core": round(app["qps"] / cores, 1),
        "app_facets_p50_ms": facets["p50"],
        "app_facets_p99_ms": facets["p99"],
        "app_facets_qps": facets["qps"],
        "app_cached_p50_ms": cached["p50"],
        "app_cached_p99_ms": cached["p99"],
        "app_cached_qps": cached["qps"],
        "app_cached_qps_per_core": round(cached["qps"] / cores, 1),
        "typesense_p50_ms": engine_["p50"],
        "typesense_p99_ms": engine_["p99"],
        "typesense_qps": engine_["qps"],
        "ilike_p50_ms": ilike["p50"],
        "ilike_p99_ms": ilike["p99"],
        "typesense_again_p99_ms": engine_again["p99"],
        "typesense_again_qps": engine_again["qps"],
        "ratio_app_vs_typesense": round(app["p99"] / engine_["p99"], 2),
        "ratio_app_vs_typesense_again": round(app["p99"] / engine_again["p99"], 2),
        "ratio_ilike_vs_app": round(ilike["p99"] / app["p99"], 1),
        "cpu_ms_per_search": {
            role: round(seconds * 1000 / len(tasks), 2) for role, seconds in cpu.items()
        },
    }
    if levers:
        result["levers"] = engine_levers
    if lever_results:
        result["facet_levers"] = lever_results
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=16)
    # 100 passes: 2,000 requests a phase, several seconds even at 100k items. With 10
    # (200 requests, under a second a phase) p99 was the second-slowest request and the
    # ratios of one run swung 0.9-2.0 between runs minutes apart (docs/benchmarks.md).
    parser.add_argument("--rounds", type=int, default=100, help="passes over the query mix")
    parser.add_argument("--ilike-rounds", type=int, default=2)
    parser.add_argument(
        "--levers", action="store_true", help="also time each lever of the keystroke's body"
    )
    parser.add_argument(
        "--levers-only", action="store_true", help="load, time Typesense and the levers, stop"
    )
    parser.add_argument(
        "--facet-levers", action="store_true", help="the bodies before/after facets moved out"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    result = run(
        args.items,
        args.clients,
        args.rounds,
        args.ilike_rounds,
        args.levers,
        levers_only=args.levers_only,
        facet_levers=args.facet_levers,
    )
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
