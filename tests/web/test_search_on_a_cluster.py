"""Shoppers keep searching while a Typesense node dies: the store on a real three-node
Raft cluster (stack/typesense_cluster.py) through TYPESENSE_NODES. The cluster's leader
is SIGKILLed in the middle of 300 searches made through every search route of a real
web server (the JSON API on the event loop, the Flask page and its facets); not one
search fails, because the storefront's own search call tries the next node and sets the
dead one aside (docs/scaling.md, "Search on a Typesense cluster"). `shopflow catalog
reindex` then rebuilds the index behind the alias with the node still down, and the
node, restarted, serves the new collection."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import replace

import httpx
import pytest
from click.testing import CliRunner

from catalog.generator import generate_items, generate_warehouses
from catalog.loader import load_catalog
from db.search.multi_search import MultiSearch
from db.search.typesense_request import hits_search_body
from entrypoints.catalog_reindex import catalog_commands
from stack.typesense_cluster import TypesenseCluster
from tests.catalog.conftest import search_index_for
from tests.live_server import ServerThread

pytestmark = pytest.mark.integration

SEARCHES = 300
SHOPPERS = 4
KILL_AFTER = 100


@pytest.fixture
def cluster(tmp_path):
    cluster = TypesenseCluster(tmp_path / "typesense", secrets.token_urlsafe(24)).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def store(cluster, isolated_settings):
    """A store whose search is the cluster alone (no single TYPESENSE_URL) and whose
    search cache is off, so every search reaches a Typesense node."""
    settings = replace(
        isolated_settings("ts_cluster_store"),
        typesense_url=None,
        typesense_nodes=tuple(cluster.node_list().split(",")),
        typesense_api_key=cluster.api_key,
        search_cache_ttl_seconds=0,
    )
    warehouses = generate_warehouses(3, seed=7)
    items = list(generate_items(600, warehouse_ids=[w.id for w in warehouses], seed=7))
    load_catalog(settings, warehouses, items, progress=False)
    return settings, items


# Every way a shopper's browser or client searches, each a path of its own in the web
# process: the JSON API on the event loop (with and without facet counts), the Flask
# search page and its facet counts fragment.
ROUTES = [
    ("/api/v1/items", {"limit": "5"}),
    ("/api/v1/items", {"facets": "true"}),
    ("/search", {}),
    ("/search/facets", {}),
]


def test_no_search_fails_while_a_node_is_killed_and_a_reindex_works_without_it(
    cluster, store, checkout_worker
):
    settings, items = store
    server = ServerThread(settings)
    on_loop = answered_on_the_loop(server)
    words = [item.name.split(",")[0].split()[-1] for item in items]
    done, errors, found = [0], [], []
    lock = threading.Lock()
    half_way = threading.Event()

    def shopper(number: int) -> None:
        path, extra = ROUTES[number % len(ROUTES)]
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for turn in range(SEARCHES // SHOPPERS):
                # A different search each time: nothing may come from a cache.
                word = words[(turn * SHOPPERS + number) % len(words)]
                answer = client.get(path, params={"query": word, **extra})
                with lock:
                    done[0] += 1
                    if answer.status_code != 200:
                        errors.append((path, word, answer.status_code, answer.text[:300]))
                    elif path == "/api/v1/items":
                        found.append(answer.json()["found"])
                    if done[0] == KILL_AFTER:
                        half_way.set()

    try:
        shoppers = [threading.Thread(target=shopper, args=(n,)) for n in range(SHOPPERS)]
        for thread in shoppers:
            thread.start()
        assert half_way.wait(120), "the shoppers did not get a third of the way"
        victim = cluster.leader()
        assert victim is not None
        cluster.kill(victim.name)
        assert not victim.alive()
        for thread in shoppers:
            thread.join(300)

        assert done[0] == SEARCHES
        assert errors == []
        # The API's searches took the event loop's own call (db/search/async_multi_search.py),
        # the pages the threaded one: both failed over.
        assert len(on_loop) == len(found) == SEARCHES // 2
        assert sum(1 for total in found if total > 0) > len(found) // 2

        # The catalogue is rebuilt behind the alias while the node is still dead.
        index = search_index_for(settings)
        before = index.current_collection()
        served = checkout_worker.serve(settings)
        result = CliRunner().invoke(
            catalog_commands(), ["reindex", "--batch-size", "200"], obj=served
        )
        assert result.exit_code == 0, result.output
        assert "Indexed 600 items" in result.output
        # (Any node may answer, and a follower applies the swap a moment after the leader.)
        assert _until(
            lambda: index.current_collection() != before and not index.collection_exists(before),
            30,
        )
        answer = httpx.get(server.url + "/api/v1/items", params={"query": words[0]}, timeout=30)
        assert answer.status_code == 200 and answer.json()["found"] > 0

        # Back from the dead, the node catches up with the new collection on its own.
        cluster.restart(victim.name)
        alone = MultiSearch([victim.url()], cluster.api_key, timeout_seconds=5)
        body = hits_search_body(settings.typesense_collection, _query(words[0]), page=1, per_page=5)
        try:
            assert _until(lambda: alone.perform(body)["results"][0].get("found"), 60)
        finally:
            alone.close()
    finally:
        server.stop()


def answered_on_the_loop(server: ServerThread) -> list[bool]:
    """A True for each API search answered on the event loop (the cache is off)."""
    fast_search = next(r for r in server.app.routes if r.path == "/api/v1/items").endpoint
    on_loop = fast_search._on_loop
    inner = on_loop.search
    answered: list[bool] = []

    async def counted(*args, **kwargs):
        page = await inner(*args, **kwargs)
        answered.append(True)
        return page

    on_loop.search = counted
    return answered


def _until(attempt, seconds: float):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if answer := attempt():
                return answer
        except Exception:  # a search or client error: the node may not be there yet
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            return None
        time.sleep(0.3)


def _query(text: str):
    from db.search.query import SearchQuery

    return SearchQuery.model_validate({"text": text})
