"""What each Typesense search parameter costs: engine CPU per search, one lever at a time.

    python -m bench.search --items 1000000 --levers      # after the app's phases
    python -m bench.search --items 1000000 --levers-only # only this table

Every lever is the hits body of one keystroke (`hits_search_body`) as it was on the
idle-machine 1M run of 2026-11-30 (`BASELINE`), changed in ONE way. For each, the
query mix is posted straight to Typesense by the bench's clients and three figures
are taken:

  ts_cpu_ms   CPU time (user + system, /proc/<pid>/stat) the Typesense process spent,
              divided by the searches. Less noisy than throughput on a shared machine,
              but not immune: on this 2-vCPU box the same body cost 67 and 127 ms a few
              minutes apart under other sessions' load. So the levers are interleaved
              (each round runs every lever once over the mix, in a rotated order) and
              `vs_baseline` (lever CPU / baseline CPU, same rounds) is the figure to read
  p50_ms, qps latency and throughput of the same phase (noisy when the box is shared)
  overlap     for every query of the mix, how many of the baseline's top ten the
              lever's top ten keep; the smallest of the 20 (the relevance check
              asks for >= 8)

`today` is the body the store sends now (all kept levers together).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import psutil

from bench.common import percentile, timed_concurrently
from db.search.filters import price_range
from db.search.query import SearchQuery
from db.search.typesense_request import hits_search_body
from settings import Settings

# The keystroke's body before this round of levers (commit 1640293), written out: the
# baseline must not move when the code does. One change since: the index searches the
# name apart from the brand (`title`) and no longer indexes `name` (docs/search.md), so
# the baseline searches `title` where it searched `name`.
BASELINE: dict[str, Any] = {
    "query_by": "title,brand,description",
    "query_by_weights": "4,2,1",
    "num_typos": "2,1,0",
    "prefix": "true,true,false",
    "include_fields": "item_id,name,price,brand,category,rating,in_stock,picture",
    "highlight_fields": "none",
}

Lever = dict[str, Any] | Callable[[dict[str, Any], SearchQuery], dict[str, Any]]


def _old_price_filter(query: SearchQuery) -> str:
    """The baseline's price bounds: two comparisons (before `filters.price_range`)."""
    clauses = []
    if query.min_price is not None:
        clauses.append(f"price:>={query.min_price}")
    if query.max_price is not None:
        clauses.append(f"price:<={query.max_price}")
    return " && ".join(clauses)


def _price_as_one_range(search: dict[str, Any], query: SearchQuery) -> dict[str, Any]:
    if query.min_price is None and query.max_price is None:
        return {}
    old, new = _old_price_filter(query), price_range(query.min_price, query.max_price)
    return {"filter_by": search["filter_by"].replace(old, new)}


# name -> parameters laid over BASELINE (None as a value removes the parameter), or a
# function of (baseline search, query) returning them.
LEVERS: dict[str, Lever] = {
    "baseline": {},
    # Filters: a price bound as one range clause instead of >= and <= (kept).
    "price_one_range_clause": _price_as_one_range,
    # Highlighting: 0.24 still builds the v1 highlight list unless told not to, and
    # `highlight_fields` "none" names no field; the engine default highlights them all.
    "highlight_default": {"highlight_fields": None},
    "highlight_v1_off": {"enable_highlight_v1": False},
    # Response size: the whole document (the description is most of it).
    "all_fields": {"include_fields": None},
    # Candidate expansion and early stops.
    "max_candidates_1": {"max_candidates": 1},
    "typo_tokens_threshold_0": {"typo_tokens_threshold": 0},
    "drop_tokens_threshold_0": {"drop_tokens_threshold": 0},
    "exhaustive_search_false": {"exhaustive_search": False},
    "split_join_tokens_off": {"split_join_tokens": "off"},
    "enable_typos_for_numerical_tokens_false": {"enable_typos_for_numerical_tokens": False},
    # Ranking work per matched document.
    "prioritize_exact_match_false": {"prioritize_exact_match": False},
    "prioritize_token_position_true": {"prioritize_token_position": True},
    "text_match_type_max_weight": {"text_match_type": "max_weight"},
    # Matching: fewer fields, fewer typos, no prefix.
    "query_by_title_brand": {
        "query_by": "title,brand",
        "query_by_weights": "4,2",
        "num_typos": "2,1",
        "prefix": "true,true",
    },
    "num_typos_1_1_0": {"num_typos": "1,1,0"},
    "prefix_off": {"prefix": "false,false,false"},
    # Sort: the item_id tie-break keeps cursors exact; what does the third key cost?
    "sort_without_item_id": {"sort_by": "_text_match:desc,rating:desc"},
    # Page size: the card grid shows 20.
    "per_page_10": {"per_page": 10},
}


def lever_body(base: dict[str, Any], lever: Lever, query: SearchQuery) -> dict[str, Any]:
    overrides = lever(base, query) if callable(lever) else lever
    search = {**base}
    for key, value in overrides.items():
        if value is None:
            search.pop(key, None)
        else:
            search[key] = value
    return {"searches": [search]}


def baseline_search(collection: str, query: SearchQuery) -> dict[str, Any]:
    (search,) = hits_search_body(collection, query, page=1, per_page=20)["searches"]
    for key in (
        "enable_highlight_v1",
        "max_candidates",
        "typo_tokens_threshold",
        "drop_tokens_threshold",
        "exhaustive_search",
        "prioritize_exact_match",
        "split_join_tokens",
        "text_match_type",
    ):
        search.pop(key, None)
    if query.min_price is not None or query.max_price is not None:
        new = price_range(query.min_price, query.max_price)
        search["filter_by"] = search["filter_by"].replace(new, _old_price_filter(query))
    return {**search, **BASELINE}


def typesense_pid(settings: Settings) -> int:
    from stack import EmbeddedStack

    pid = EmbeddedStack(settings).service("typesense").running_pid()
    if pid is None:
        raise RuntimeError("the embedded Typesense is not running")
    return pid


def cpu_seconds(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()  # /proc/<pid>/stat utime + stime
    return times.user + times.system


def measure_levers(
    settings: Settings,
    tasks: list[tuple[str, dict[str, str]]],
    mix: list[tuple[str, dict[str, str]]],
    make_query: Callable[[str, dict[str, str]], SearchQuery],
    clients: int,
    levers: dict[str, dict[str, Any]] | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, dict[str, float]]:
    """One line per lever (plus `today`): ts_cpu_ms, p50_ms, qps, overlap."""
    levers = {"baseline": {}, **(levers or LEVERS)}
    pid = typesense_pid(settings)
    collection = settings.typesense_collection
    ts = httpx.Client(
        base_url=settings.typesense_url,
        headers={"X-TYPESENSE-API-KEY": settings.typesense_api_key_or_default},
        limits=httpx.Limits(max_connections=clients),
        timeout=60,
    )

    def body_for(name: str, text: str, filters: dict[str, str]) -> dict[str, Any]:
        query = make_query(text, filters)
        if name == "today":
            return hits_search_body(collection, query, page=1, per_page=20)
        return lever_body(baseline_search(collection, query), levers[name], query)

    def top_ten(name: str) -> list[list[int]]:
        tops = []
        for text, filters in mix:
            response = ts.post("/multi_search", json=body_for(name, text, filters))
            response.raise_for_status()
            (result,) = response.json()["results"]
            if "error" in result:
                raise RuntimeError(f"{name}: {result}")
            tops.append([int(hit["document"]["item_id"]) for hit in result["hits"][:10]])
        return tops

    names = ["baseline", *[n for n in levers if n != "baseline"], "today"]
    reference = top_ten("baseline")
    overlaps = {}
    for name in names:
        tops = top_ten(name)  # also warms the engine for this body
        # A query the baseline finds fewer than ten items for counts its empty slots
        # as kept (small catalogues).
        overlaps[name] = min(
            len(set(a) & set(b)) + 10 - len(b) for a, b in zip(tops, reference, strict=True)
        )

    # Interleaved: every round times each lever once over the whole mix, in a rotated
    # order, so a burst of load from other processes (this box is shared) lands on all
    # of them alike instead of on whichever lever ran at that minute.
    cpu = dict.fromkeys(names, 0.0)
    wall = dict.fromkeys(names, 0.0)
    samples: dict[str, list[float]] = {name: [] for name in names}
    rounds = [tasks[i : i + len(mix)] for i in range(0, len(tasks), len(mix))]
    for index, chunk in enumerate(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:

            def call(task, name=name) -> None:
                ts.post("/multi_search", json=body_for(name, *task)).raise_for_status()

            before = cpu_seconds(pid)
            started = time.perf_counter()
            samples[name] += timed_concurrently(call, chunk, clients)
            wall[name] += time.perf_counter() - started
            cpu[name] += cpu_seconds(pid) - before
        log(f"levers: round {index + 1} of {len(rounds)} done")
    results: dict[str, dict[str, float]] = {}
    for name in names:
        done = len(samples[name])
        results[name] = {
            "ts_cpu_ms": round(cpu[name] * 1000 / done, 1),
            "vs_baseline": round(cpu[name] / cpu["baseline"], 2),
            "p50_ms": round(percentile(samples[name], 50), 1),
            "qps": round(done / wall[name], 1),
            "overlap": overlaps[name],
        }
        log(f"lever {name}: {results[name]}")
    ts.close()
    return results
