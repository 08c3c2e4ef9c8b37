"""An anonymous `GET /api/v1/items` is served on the event loop (web/search/fast_api.py)
with the same answer Flask gives; everything else about the route is still Flask's:
error answers, foreign cursors, unknown parameters, bearer tokens."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import replace

import httpx
import pytest
from prometheus_client import REGISTRY

from stack.ports import free_port
from tests.live_server import ServerThread
from tests.web.checkout_calls import begin, op, register_api_shopper
from web.search.fast_api import PATH

pytestmark = [pytest.mark.integration, pytest.mark.web]

# Headers whose values differ between any two answers.
PER_ANSWER = {"date", "server", "x-request-id", "content-length", "x-search-cache"}


def count_fast_answers(server: ServerThread) -> tuple[list[bool], Callable[[], None]]:
    """Whether each answer was the fast path's own (False: it handed it to Flask), and
    how to put the route back as it was."""
    route = next(r for r in server.app.routes if r.path == PATH)
    inner = route.endpoint
    answers: list[bool] = []

    async def counted(request):
        response = await inner(request)
        answers.append(response is not None)
        return response

    route.endpoint = counted
    return answers, lambda: setattr(route, "endpoint", inner)


def count_loop_searches(server: ServerThread) -> tuple[list[bool], Callable[[], None]]:
    """A True for each search answered on the event loop itself (no worker thread)."""
    fast_search = next(r for r in server.app.routes if r.path == PATH).endpoint
    on_loop = fast_search._on_loop
    inner = on_loop.search
    searches: list[bool] = []

    async def counted(*args, **kwargs):
        page = await inner(*args, **kwargs)
        searches.append(True)
        return page

    on_loop.search = counted
    return searches, lambda: delattr(on_loop, "search")


def keep_catalogue_version_known(server: ServerThread) -> Callable[[], None]:
    """Read the catalogue version now and keep it fresh (its clock stopped) until restored:
    a cached search is the loop's only while the version is known without PostgreSQL."""
    fast_search = next(r for r in server.app.routes if r.path == PATH).endpoint
    version = fast_search._on_loop._service._catalog_version
    clock = version._clock
    version.current()
    stopped = clock()
    version._clock = lambda: stopped
    return lambda: setattr(version, "_clock", clock)


@pytest.fixture(scope="module")
def uncached_server(live_store):
    """The same store with its search cache off: an anonymous search is then answered on
    the event loop itself, Typesense and the live-stock overlay awaited
    (db/search/async_search.py)."""
    server = ServerThread(
        replace(live_store.settings, sse_heartbeat_seconds=0.5, search_cache_ttl_seconds=0)
    )
    server.uncached = True
    yield server
    server.stop()


@pytest.fixture(params=["cached", "uncached"])
def server(request, live_server):
    """Each fast path: the search with the cache on and off, both on the event loop."""
    return live_server if request.param == "cached" else request.getfixturevalue("uncached_server")


@pytest.fixture
def served_fast(server):
    restore_version = keep_catalogue_version_known(server)
    searches, restore_loop = count_loop_searches(server)
    answers, restore = count_fast_answers(server)
    yield answers
    restore()
    restore_loop()
    restore_version()
    assert len(searches) == answers.count(True)  # every fast answer was the loop's


def test_a_cached_search_is_a_worker_threads_while_the_catalogue_version_is_stale(live_server):
    fast_search = next(r for r in live_server.app.routes if r.path == PATH).endpoint
    version = fast_search._on_loop._service._catalog_version
    clock = version._clock
    stopped = clock()
    version._clock = lambda: stopped
    version._expires_at = float("-inf")  # as when it was last read more than 2 s ago
    searches, restore_loop = count_loop_searches(live_server)
    answers, restore = count_fast_answers(live_server)
    try:
        first, second = (
            httpx.get(live_server.url + PATH, params={"query": "kettle"}, timeout=30)
            for _ in range(2)
        )
    finally:
        restore()
        restore_loop()
        version._clock = clock

    assert first.status_code == second.status_code == 200
    assert first.json()["items"] == second.json()["items"]
    assert answers == [True, True]  # both off Flask...
    assert searches == [True]  # ...the first in a thread, which read the version for the second


def same_headers(fast: httpx.Response, flask) -> None:
    fast_headers = {k.lower(): v for k, v in fast.headers.items() if k.lower() not in PER_ANSWER}
    flask_headers = {k.lower(): v for k, v in flask.headers.items() if k.lower() not in PER_ANSWER}
    assert fast_headers == flask_headers


SEARCHES = [
    {"query": "kettle"},
    {"query": "kettle", "inStock": "true", "sort": "price_asc", "limit": "2"},
    {"filter": "category:Kitchen", "facets": "true"},
    {"query": "tent", "brand": "Northwind", "minPrice": "100"},
]


@pytest.mark.parametrize("params", SEARCHES)
def test_an_anonymous_search_is_answered_off_flask_exactly_as_flask_answers_it(
    server, live_app, served_fast, params
):
    fast = httpx.get(server.url + PATH, params=params, timeout=30)
    flask = live_app.test_client().get(PATH, query_string=params)

    assert served_fast == [True]
    assert fast.status_code == flask.status_code == 200
    assert fast.headers["x-search-cache"] in {"hit", "miss", "off"}
    assert fast.json() == flask.get_json()
    same_headers(fast, flask)


def test_a_search_walks_its_cursors_off_flask_and_keeps_its_request_id(server, served_fast):
    request_id = "walk-" + secrets.token_hex(8)
    first = httpx.get(
        server.url + PATH,
        params={"query": "kettle", "limit": "1"},
        headers={"X-Request-ID": request_id},
        timeout=30,
    )
    cursor = first.json()["nextCursor"]
    second = httpx.get(
        server.url + PATH, params={"query": "kettle", "nextCursor": cursor}, timeout=30
    )

    assert first.headers["x-request-id"] == request_id
    assert second.status_code == 200 and second.json()["items"] != first.json()["items"]
    assert served_fast == [True, True]


def answered(status: str) -> float:
    return (
        REGISTRY.get_sample_value(
            "shopflow_http_requests_total", {"route": PATH, "method": "GET", "status": status}
        )
        or 0.0
    )


def timed() -> float:
    return (
        REGISTRY.get_sample_value(
            "shopflow_http_request_duration_seconds_count", {"route": PATH, "method": "GET"}
        )
        or 0.0
    )


def test_a_search_answered_off_flask_is_counted_and_timed_as_flask_would(server, served_fast):
    before = answered("200"), timed()

    for _ in range(2):
        httpx.get(server.url + PATH, params={"query": "kettle"}, timeout=30)

    assert served_fast == [True, True]
    assert (answered("200"), timed()) == (before[0] + 2, before[1] + 2)


REFUSED = [
    ({"query": "kettle", "colour": "red"}, "unknown_parameter"),
    ({"query": "kettle", "limit": "1000"}, None),
    ({"filter": "price:>>3"}, None),
    ({"query": "kettle", "facets": "maybe"}, "bad_request"),
    ({"query": "kettle\x00"}, "bad_request"),
]


@pytest.mark.parametrize(("params", "code"), REFUSED)
def test_a_refused_search_gets_flasks_own_error_answer(server, live_app, served_fast, params, code):
    fast = httpx.get(server.url + PATH, params=params, timeout=30)
    flask = live_app.test_client().get(PATH, query_string=params)

    assert fast.status_code == flask.status_code == 400
    assert fast.json() == flask.get_json()
    if code is not None:
        assert fast.json()["error"]["code"] == code
    assert True not in served_fast


def test_a_foreign_cursor_is_refused_by_flask_as_before(server, served_fast):
    first = httpx.get(
        server.url + PATH, params={"query": "kettle", "limit": "1"}, timeout=30
    ).json()
    foreign = httpx.get(
        server.url + PATH,
        params={"query": "tent", "nextCursor": first["nextCursor"]},
        timeout=30,
    )

    assert foreign.status_code == 400
    assert "different search" in foreign.json()["error"]["message"]
    assert served_fast == [True, False]


def test_a_search_with_a_bearer_token_is_flasks_so_it_feeds_recommendations(server, served_fast):
    answer = httpx.get(
        server.url + PATH,
        params={"query": "kettle"},
        headers={"Authorization": "Bearer " + secrets.token_urlsafe(16)},
        timeout=30,
    )

    assert answer.status_code in {200, 401}
    assert served_fast == [False]


def test_a_search_sent_with_a_body_is_flasks_to_refuse(server, live_app, served_fast):
    answer = httpx.request(
        "GET",
        server.url + PATH,
        params={"query": "kettle"},
        content=b"query=kettle",
        headers={"Content-Type": "text/plain"},
        timeout=30,
    )

    assert answer.status_code == 415
    assert served_fast == [False]


@pytest.mark.parametrize("cache_ttl", [30, 0], ids=["cached", "uncached"])
def test_search_down_is_the_same_503_off_flask(live_store, live_app, cache_ttl):
    blind = replace(
        live_store.settings,
        typesense_url=f"http://127.0.0.1:{free_port()}",
        search_cache_ttl_seconds=cache_ttl,
    )
    server = ServerThread(blind)
    on_loop = next(r for r in server.app.routes if r.path == PATH).endpoint._on_loop
    assert on_loop.serves_now() == (cache_ttl == 0)
    served_fast, _ = count_fast_answers(server)
    try:
        params = {"query": "kettle", "maxPrice": str(500_000 + secrets.randbelow(90_000))}
        fast = httpx.get(server.url + PATH, params=params, timeout=30)
    finally:
        server.stop()
    from entrypoints.web_services import build_web_app

    flask_app = build_web_app(blind)
    try:
        flask = flask_app.test_client().get(PATH, query_string=params)
    finally:
        flask_app.extensions["shopflow"].close()

    assert served_fast == [True]
    assert fast.status_code == flask.status_code == 503
    assert fast.json() == flask.get_json()
    same_headers(fast, flask)


KETTLE = "Gooseneck Pour-Over Kettle"  # 4 units in tests/web/catalogue.py

# The loop's overlay remembers what it read (db/search/stock_memo.py) and forgets an item
# when the stock feed says it changed: a sale shows in the next searches as on the cards.
FEED_SECONDS = 2.0  # docs/live-stock.md: a change reaches search within 2 s


def says_in_stock(server: ServerThread, item_id: int) -> bool:
    """The item's card flag in a plain search: the overlay's word, whatever the index says."""
    answer = httpx.get(server.url + PATH, params={"query": "kettle"}, timeout=30)
    assert answer.status_code == 200
    [hit] = [hit for hit in answer.json()["items"] if hit["itemID"] == item_id]
    return hit["inStock"]


def until(check: Callable[[], bool], started: float, what: str) -> float:
    while not check():
        waited = time.monotonic() - started
        assert waited < FEED_SECONDS, f"{what}: still not so after {waited:.1f} s"
        time.sleep(0.05)
    return time.monotonic() - started


def test_the_loops_overlay_reads_a_remembered_item_once_and_follows_its_sale_by_the_feed(
    uncached_server, live_store, live_app, monkeypatch
):
    overlay = next(r for r in uncached_server.app.routes if r.path == PATH).endpoint
    live_stock = overlay._on_loop._live_stock
    memo = live_stock._memo
    # Only the feed may make it forget: the TTL alone would also show the sale in 1 s.
    monkeypatch.setattr(memo, "_ttl", 3600.0)
    reads: list[list[int]] = []
    read = live_stock._read

    async def counted(ids):
        reads.append(list(ids))
        return await read(ids)

    monkeypatch.setattr(live_stock, "_read", counted)
    kettle = live_store.item(KETTLE)
    client = live_app.test_client()

    until(lambda: says_in_stock(uncached_server, kettle), time.monotonic(), "in stock")
    reads.clear()
    assert says_in_stock(uncached_server, kettle)
    assert reads == []  # every hit's stock remembered: PostgreSQL not asked

    shopper = register_api_shopper(client, {kettle: 4})
    begun = begin(client, shopper)  # holds all four units: the kettle is sold out
    assert begun.status_code == 201, begun.get_json()
    held = time.monotonic()
    until(lambda: not says_in_stock(uncached_server, kettle), held, "sold out")
    assert [kettle] in reads  # it alone was read again

    cancelled = op(client, shopper, "CANCEL", begun.get_json()["checkoutID"])
    assert cancelled.status_code == 200, cancelled.get_json()
    until(lambda: says_in_stock(uncached_server, kettle), time.monotonic(), "back")
