"""The search cache on the event loop (db/search/async_search.py, db/redis/async_json_cache.py):
it never reads the catalogue version from PostgreSQL itself, and a Redis failure it meets
switches the cache off for the threaded search too."""

from __future__ import annotations

import asyncio
import secrets

import fakeredis
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from db.redis.async_json_cache import AsyncJsonCache
from db.redis.json_cache import JsonCache
from db.search import CursorCodec, SearchQuery, SearchRequest, SearchService
from db.search.async_search import AsyncSearch
from db.search.catalog_version import CatalogVersion

pytestmark = pytest.mark.unit


class Engine:
    def __init__(self) -> None:
        self.asked = 0

    async def perform(self, body):
        self.asked += 1
        return self.answer(body)

    def answer(self, body):
        document = {"item_id": 1, "name": "Kettle", "price": 1000, "brand": "Acme"}
        document |= {"category": "Kitchen", "rating": 4.0, "in_stock": True}
        return {"results": [{"hits": [{"document": document}], "found": 1}]}


class Database:
    """A sessionmaker whose one session answers the catalogue version."""

    def __init__(self) -> None:
        self.reads = 0

    def __call__(self):
        return self

    def __enter__(self):
        self.reads += 1
        return self

    def __exit__(self, *exc) -> None:
        return None

    def scalar(self, statement) -> int:
        return 7


class DownRedis(fakeredis.FakeAsyncRedis):
    async def get(self, *args, **kwargs):
        raise RedisConnectionError("down")


def a_store(clock, redis_client=None):
    database = Database()
    server = fakeredis.FakeServer()
    cache = JsonCache(fakeredis.FakeRedis(server=server), namespace="search", ttl_seconds=30)
    engine = Engine()
    service = SearchService(
        multi_search=engine,
        collection="items",
        cache=cache,
        catalog_version=CatalogVersion(database, clock=clock),
        cursors=CursorCodec(secrets.token_urlsafe(32)),
    )
    loop_cache = AsyncJsonCache(cache, redis_client or fakeredis.FakeAsyncRedis(server=server))
    return service, AsyncSearch(service, engine, None, loop_cache), database, engine


def search(on_loop: AsyncSearch):
    request = SearchRequest(query=SearchQuery(text="kettle"), limit=20)
    return asyncio.run(on_loop.search(request, with_facets=False))


def test_a_cached_search_waits_for_a_thread_to_learn_the_catalogue_version():
    now = [100.0]
    service, on_loop, database, _ = a_store(lambda: now[0])

    assert not on_loop.serves_now()  # the version is unknown: a worker thread's search
    assert database.reads == 0
    service._catalog_version.current()  # what the threaded search does first
    assert on_loop.serves_now()

    now[0] += 5  # remembered for 2 s
    assert not on_loop.serves_now()
    assert database.reads == 1


def test_a_search_on_the_loop_is_a_miss_then_a_hit():
    service, on_loop, _, engine = a_store(lambda: 100.0)
    service._catalog_version.current()

    assert [search(on_loop).cache for _ in range(3)] == ["miss", "hit", "hit"]
    assert engine.asked == 1


def test_redis_failing_on_the_loop_switches_the_cache_off_for_both_searches():
    service, on_loop, _, engine = a_store(lambda: 100.0, redis_client=DownRedis())
    service._catalog_version.current()

    page = search(on_loop)

    assert page.cache == "off" and [hit.item_id for hit in page.hits] == [1]
    assert not service.caches  # the threaded search backs off too
    assert on_loop.serves_now()  # and the loop serves uncached meanwhile
