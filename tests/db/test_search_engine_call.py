"""The storefront's search call to Typesense: the answer, or a refusal the page can name.

A small local HTTP server stands in for Typesense: what matters here is what the call
sends and how it maps each way of failing (the real engine is in tests/web/test_search_*).
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from db.search.async_multi_search import AsyncMultiSearch
from db.search.multi_search import MultiSearch, SearchEngineUnreachable
from db.search.node_health import NodeHealth
from db.search.typesense_request import TypesenseSearchError

pytestmark = pytest.mark.unit

BODY = {"searches": [{"collection": "items", "q": "kettle", "query_by": "name"}]}


class ScriptedTypesense(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        status: int = 200,
        reply: object = None,
        delay: float = 0.0,
        close_after_answer: bool = False,
    ) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.status, self.reply, self.delay = status, reply, delay
        # Closes each connection after its answer without saying so (as a node does with
        # a connection idle past its keep-alive timeout).
        self.close_after_answer = close_after_answer
        self.seen: list[tuple[str, str | None, dict]] = []
        self.peers: set[tuple[str, int]] = set()  # the connections searches came on

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request, client_address) -> None:
        # A search that timed out has hung up before its slow answer: expected here.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: ScriptedTypesense
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        self.server.seen.append((self.path, self.headers.get("X-TYPESENSE-API-KEY"), body))
        self.server.peers.add(self.client_address)
        time.sleep(self.server.delay)
        payload = json.dumps(self.server.reply).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        self.close_connection = self.server.close_after_answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def typesense() -> Iterator[ScriptedTypesense]:
    servers: list[ScriptedTypesense] = []

    def start(**script) -> ScriptedTypesense:
        server = ScriptedTypesense(**script)
        # A short poll: shutdown() waits for serve_forever's next look (0.5 s by default,
        # which made this file's teardowns most of its time).
        threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class OnTheLoop:
    """The event loop's call (db/search/async_multi_search.py) behind the threaded call's
    interface, on one loop of its own so its kept-alive connections carry over."""

    def __init__(self, searches: AsyncMultiSearch) -> None:
        self._searches = searches
        self._loop = asyncio.new_event_loop()
        self.health = searches.health

    def perform(self, body: dict) -> dict:
        return self._loop.run_until_complete(self._searches.perform(body))

    def close(self) -> None:
        self._searches.close()
        self._loop.close()


class Calls:
    """Makes the call under test: the threaded one, or the event loop's (same policy)."""

    def __init__(self, on_loop: bool) -> None:
        self.on_loop = on_loop
        self._made: list[OnTheLoop] = []

    def make(self, urls: str | list[str], timeout: float, health: NodeHealth | None = None):
        if not self.on_loop:
            return MultiSearch(urls, "search-key", timeout_seconds=timeout, health=health)
        made = OnTheLoop(
            AsyncMultiSearch(urls, "search-key", timeout_seconds=timeout, health=health)
        )
        self._made.append(made)
        return made

    def one(self, url: str, timeout: float = 5.0):
        return self.make(url, timeout)

    def cluster(self, *urls: str, clock: FakeClock | None = None, timeout: float = 5.0):
        health = NodeHealth(len(urls), down_seconds=5.0, clock=clock or FakeClock())
        return self.make(list(urls), timeout, health)

    def close(self) -> None:
        for made in self._made:
            made.close()


@pytest.fixture(params=["threaded", "on_the_loop"])
def calls(request) -> Iterator[Calls]:
    made = Calls(on_loop=request.param == "on_the_loop")
    yield made
    made.close()


def test_a_search_posts_the_body_with_the_key_and_returns_the_answer(typesense, calls):
    answer = {"results": [{"found": 1, "hits": [{"document": {"item_id": "7"}}]}]}
    engine = typesense(reply=answer)
    searches = calls.one(engine.url)

    assert searches.perform(BODY) == answer
    assert searches.perform(BODY) == answer
    assert engine.seen == [("/multi_search", "search-key", BODY)] * 2
    assert len(engine.peers) == 1  # the kept-alive connection, again


def test_a_missing_collection_is_a_rejected_search_with_its_status(typesense, calls):
    engine = typesense(status=404, reply={"message": "Not found."})

    with pytest.raises(TypesenseSearchError) as refused:
        calls.one(engine.url).perform(BODY)
    assert refused.value.status == 404
    assert "Not found." in str(refused.value)


def test_an_engine_error_a_refused_port_or_a_slow_answer_is_unreachable(typesense, calls):
    failing = typesense(status=503, reply={"message": "Not Ready or Lagging"})
    slow = typesense(reply={"results": []}, delay=2.0)
    gone = typesense()
    gone_url = gone.url
    gone.shutdown()
    gone.server_close()

    for searches in (calls.one(failing.url), calls.one(slow.url, timeout=0.2), calls.one(gone_url)):
        with pytest.raises(SearchEngineUnreachable):
            searches.perform(BODY)


def test_several_nodes_are_asked_in_turn(typesense, calls):
    first, second = typesense(reply={"results": []}), typesense(reply={"results": []})
    searches = calls.one(f"{first.url},{second.url}")

    for _ in range(4):
        searches.perform(BODY)
    assert (len(first.seen), len(second.seen)) == (2, 2)


# -- Failover between the nodes of a cluster (docs/scaling.md, "Search on a Typesense
# cluster"): a node that does not answer costs one more try on the next node, and is
# set aside for a few seconds.

ANSWER = {"results": [{"found": 0, "hits": []}]}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def gone_url(typesense) -> str:
    gone = typesense()
    url = gone.url
    gone.shutdown()
    gone.server_close()
    return url


def test_a_refused_connection_is_answered_by_the_next_node(typesense, calls):
    healthy = typesense(reply=ANSWER)
    searches = calls.cluster(gone_url(typesense), healthy.url)

    assert searches.perform(BODY) == ANSWER
    assert len(healthy.seen) == 1
    assert searches.health.is_down(0) and not searches.health.is_down(1)


def test_a_timed_out_node_is_answered_by_the_next_node(typesense, calls):
    slow, healthy = typesense(reply=ANSWER, delay=2.0), typesense(reply=ANSWER)
    searches = calls.cluster(slow.url, healthy.url, timeout=0.3)

    assert searches.perform(BODY) == ANSWER
    assert (len(slow.seen), len(healthy.seen)) == (1, 1)
    assert searches.health.is_down(0)


def test_a_node_that_answers_503_is_answered_by_the_next_node(typesense, calls):
    lagging = typesense(status=503, reply={"message": "Not Ready or Lagging"})
    healthy = typesense(reply=ANSWER)
    searches = calls.cluster(lagging.url, healthy.url)

    assert searches.perform(BODY) == ANSWER
    assert (len(lagging.seen), len(healthy.seen)) == (1, 1)


def test_a_rejected_search_is_not_asked_of_another_node(typesense, calls):
    rejecting = typesense(status=400, reply={"message": "Could not find a field named `x`."})
    other = typesense(reply=ANSWER)
    searches = calls.cluster(rejecting.url, other.url)

    with pytest.raises(TypesenseSearchError) as refused:
        searches.perform(BODY)
    assert refused.value.status == 400
    assert other.seen == []
    assert not searches.health.is_down(0)


# How a node still catching up (restarted, or installing the leader's snapshot) answers
# a search for a collection it does not have yet: multi_search says so inside the
# search's result; a plain search says so with the HTTP status.
NOT_YET = {
    "in_the_result": (200, {"results": [{"code": 404, "error": "Not found."}]}),
    "as_the_status": (404, {"message": "Not found."}),
}


@pytest.mark.parametrize("status, reply", NOT_YET.values(), ids=NOT_YET.keys())
def test_a_node_without_the_collection_yet_is_answered_by_the_next_node(
    typesense, status, reply, calls
):
    catching_up, healthy = typesense(status=status, reply=reply), typesense(reply=ANSWER)
    searches = calls.cluster(catching_up.url, healthy.url)

    assert searches.perform(BODY) == ANSWER
    assert (len(catching_up.seen), len(healthy.seen)) == (1, 1)
    assert searches.health.is_down(0) and not searches.health.is_down(1)


def test_a_collection_no_node_has_is_a_rejected_search_with_its_status(typesense, calls):
    first, second = (typesense(reply=NOT_YET["in_the_result"][1]) for _ in range(2))
    searches = calls.cluster(first.url, second.url)

    with pytest.raises(TypesenseSearchError) as refused:
        searches.perform(BODY)
    assert refused.value.status == 404
    assert (len(first.seen), len(second.seen)) == (1, 1)


def test_with_one_node_dead_and_one_catching_up_the_third_answers(typesense, calls):
    catching_up = typesense(reply=NOT_YET["in_the_result"][1])
    healthy = typesense(reply=ANSWER)
    searches = calls.cluster(gone_url(typesense), catching_up.url, healthy.url)

    assert searches.perform(BODY) == ANSWER
    assert (len(catching_up.seen), len(healthy.seen)) == (1, 1)


def test_a_search_asks_each_node_once_at_most(typesense, calls):
    nodes = [typesense(status=503, reply={"message": "Not Ready or Lagging"}) for _ in range(3)]
    searches = calls.cluster(*(node.url for node in nodes))

    with pytest.raises(SearchEngineUnreachable):
        searches.perform(BODY)
    assert [len(node.seen) for node in nodes] == [1, 1, 1]


def test_a_node_marked_down_is_skipped_for_a_while_then_asked_again(typesense, calls):
    clock = FakeClock()
    flaky = typesense(status=503, reply={"message": "Not Ready or Lagging"})
    steady = typesense(reply=ANSWER)
    searches = calls.cluster(flaky.url, steady.url, clock=clock)

    for _ in range(5):
        assert searches.perform(BODY) == ANSWER
    assert (len(flaky.seen), len(steady.seen)) == (1, 5)  # asked once, then left alone

    flaky.status, flaky.reply = 200, ANSWER  # it recovers
    clock.now += 4.9
    searches.perform(BODY)
    searches.perform(BODY)
    assert len(flaky.seen) == 1  # still set aside
    clock.now += 0.2
    for _ in range(4):
        searches.perform(BODY)
    assert (len(flaky.seen), len(steady.seen)) == (3, 9)  # in turn again


def test_turns_rotate_and_skip_the_nodes_that_are_down():
    clock = FakeClock()
    health = NodeHealth(3, down_seconds=5.0, clock=clock)
    assert [health.order() for _ in range(3)] == [[0, 1, 2], [1, 2, 0], [2, 0, 1]]

    health.mark_down(1)
    assert [health.order() for _ in range(3)] == [[0, 2], [2, 0], [2, 0]]
    clock.now += 5.0
    assert health.order() == [0, 1, 2]


def test_when_every_node_is_down_every_node_is_tried_anyway():
    health = NodeHealth(2, down_seconds=5.0, clock=FakeClock())
    health.mark_down(0)
    health.mark_down(1)
    assert health.order() == [0, 1]


def test_a_kept_alive_connection_the_node_closed_is_replaced_and_the_node_stays_up(
    typesense, calls
):
    engine = typesense(reply=ANSWER, close_after_answer=True)
    searches = calls.cluster(engine.url, typesense(reply=ANSWER).url)

    assert searches.perform(BODY) == ANSWER
    time.sleep(0.1)  # the node has closed the connection it kept alive
    for _ in range(3):
        assert searches.perform(BODY) == ANSWER
    assert len(engine.seen) == 2
    assert not searches.health.is_down(0)
