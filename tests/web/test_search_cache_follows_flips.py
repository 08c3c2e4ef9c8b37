"""A cached search page filtered on stock goes stale when the relay counts an in-stock
flip (docs/live-stock.md): the live-stock overlay can take a sold-out item off a page,
but only asking the engine again can put back an item that was left out of it.

Each test runs against both searches: SearchService in a worker thread, and the event
loop's (db/search/async_search.py, db/redis/async_json_cache.py), on one fake Redis."""

from __future__ import annotations

import asyncio
import secrets

import fakeredis
import pytest

from db.redis.async_json_cache import AsyncJsonCache
from db.redis.json_cache import JsonCache
from db.redis.stock_feed import StockFeedKeys, StockFeedPublisher
from db.search import CursorCodec, SearchQuery, SearchRequest, SearchService
from db.search.async_search import AsyncSearch

pytestmark = pytest.mark.unit

KEYS = StockFeedKeys("stock-t")


class Engine:
    """Typesense's multi_search answer: the items it holds as in stock right now."""

    def __init__(self, *item_ids: int) -> None:
        self.item_ids = list(item_ids)
        self.asked = 0

    def perform(self, body):
        self.asked += 1
        hits = [{"document": _document(item_id)} for item_id in self.item_ids]
        return {"results": [{"hits": hits, "found": len(hits)}]}


def _document(item_id: int) -> dict:
    return {
        "item_id": item_id,
        "name": f"Kettle {item_id}",
        "price": 1000,
        "brand": "Acme",
        "category": "Kitchen",
        "rating": 4.0,
        "in_stock": True,
    }


class FixedVersion:
    def current(self) -> int:
        return 1

    def known(self) -> tuple[bool, int]:
        return True, 1


class Awaited:
    """The engine or the stock as the event loop's search awaits them."""

    def __init__(self, inner) -> None:
        self._inner = inner

    async def perform(self, body):
        return self._inner.perform(body)

    async def stock_of(self, item_ids):
        return self._inner.stock_of(item_ids)


class OnTheLoop:
    """The same store's search on the event loop, with the same cache and version."""

    def __init__(self, service: SearchService, engine, client, live_stock) -> None:
        cache = AsyncJsonCache(service.cache, fakeredis.FakeAsyncRedis(server=client.fake_server))
        stock = Awaited(live_stock) if live_stock is not None else None
        self._search = AsyncSearch(service, Awaited(engine), stock, cache)
        assert self._search.serves_now()

    def search(self, request: SearchRequest):
        return asyncio.run(self._search.search(request, with_facets=False))


def a_redis() -> fakeredis.FakeRedis:
    """A fake Redis whose server the event loop's client can share."""
    server = fakeredis.FakeServer()
    client = fakeredis.FakeRedis(server=server)
    client.fake_server = server
    return client


@pytest.fixture(params=["in_a_thread", "on_the_loop"])
def a_store(request):
    def make(engine: Engine, client, live_stock=None):
        service = SearchService(
            multi_search=engine,
            collection="items",
            cache=JsonCache(client, namespace="search", ttl_seconds=30),
            catalog_version=FixedVersion(),
            cursors=CursorCodec(secrets.token_urlsafe(32)),
            in_stock_flips_key=KEYS.search_flips,
            live_stock=live_stock,
        )
        if request.param == "in_a_thread":
            return service
        return OnTheLoop(service, engine, client, live_stock)

    return make


def in_stock_search(store, **filters):
    page = store.search(SearchRequest(query=SearchQuery(text="kettle", **filters), limit=20))
    return [hit.item_id for hit in page.hits], page.cache


def test_an_item_back_in_stock_is_not_left_out_of_a_cached_in_stock_page(a_store):
    client = a_redis()
    engine = Engine(1)  # item 2 is sold out
    store = a_store(engine, client)
    assert in_stock_search(store, in_stock=True) == ([1], "miss")
    assert in_stock_search(store, in_stock=True) == ([1], "hit")

    engine.item_ids = [1, 2]  # the relay gave the engine item 2's flag back...
    assert in_stock_search(store, in_stock=True) == ([1], "hit")
    StockFeedPublisher(client, KEYS).count_search_flips()  # ...and counted the flip

    assert in_stock_search(store, in_stock=True) == ([1, 2], "miss")
    assert in_stock_search(store, in_stock=True) == ([1, 2], "hit")


def test_a_page_without_a_stock_filter_stays_cached_across_flips(a_store):
    client = a_redis()
    engine = Engine(1, 2)
    store = a_store(engine, client)
    assert in_stock_search(store) == ([1, 2], "miss")
    StockFeedPublisher(client, KEYS).count_search_flips()

    assert in_stock_search(store) == ([1, 2], "hit")
    assert engine.asked == 1


def test_a_page_asked_for_while_a_flip_lands_is_not_kept_as_current(a_store):
    client = a_redis()
    engine = Engine(1)
    store = a_store(engine, client)
    publisher = StockFeedPublisher(client, KEYS)

    class FlipMeanwhile(Engine):
        def perform(self, body):
            answer = engine.perform(body)  # the engine answered with the old flags...
            publisher.count_search_flips()  # ...just before the relay counted the flip
            return answer

    flipping = a_store(FlipMeanwhile(), client)
    assert in_stock_search(flipping, in_stock=True) == ([1], "miss")
    engine.item_ids = [1, 2]
    assert in_stock_search(store, in_stock=True) == ([1, 2], "miss")


def test_a_cached_page_never_shows_an_item_sold_out_since_even_before_the_flip_is_counted(a_store):
    from db.search.stock_overlay import LiveStockOverlay

    class Stock(LiveStockOverlay):
        def __init__(self) -> None:
            self.units = {1: 3, 2: 5}

        def stock_of(self, item_ids):
            return {item_id: self.units[item_id] for item_id in item_ids}

    stock = Stock()
    store = a_store(Engine(1, 2), a_redis(), live_stock=stock)
    assert in_stock_search(store, in_stock=True) == ([1, 2], "miss")

    stock.units[2] = 0  # sold out; the relay has not counted the flip yet
    assert in_stock_search(store, in_stock=True) == ([1], "hit")


def test_a_stamped_page_is_never_read_as_a_plain_one():
    # Two releases share one Redis while one replaces the other: the older one reads
    # plain values only and must not meet a stamped value under the same key.
    client = a_redis()
    cache = JsonCache(client, namespace="search", ttl_seconds=30)
    cache.set_stamped("k", {"hits": [], "found": 0}, 3)

    assert cache.get("k") is None
    client.set(KEYS.search_flips, 3)
    assert cache.get_stamped("k", KEYS.search_flips) == ({"hits": [], "found": 0}, 3)
