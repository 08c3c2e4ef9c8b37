"""The storefront's search call on the event loop: `POST /multi_search` on asyncio
connections of our own, no worker thread (docs/benchmarks.md, "on the event loop").

The same call as db/search/multi_search.py (same body, same answer, same errors) and
the same failover policy (db/search/node_health.py): nodes in turn; a node that was
refused, timed out, dropped the connection, said 503, or said it has no such collection
(catching up) is set aside and the search is asked of the next node, each node at most
once; any other 4xx is the search's own fault and goes nowhere else; each attempt is
bounded by SEARCH_TIMEOUT_SECONDS. What changes is the machinery: kept-alive
connections per node, the request written as one bytes buffer,
the answer parsed by httptools (uvicorn's own parser) instead of urllib3/http.client.

A kept-alive connection the node closed while idle fails before any byte of an answer;
that attempt is made again once on a fresh connection to the same node (as urllib3
would on a stale pooled connection), and does not count against the node.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httptools
import orjson

from db.search.index import typesense_nodes
from db.search.multi_search import SearchEngineUnreachable, answer_or_next
from db.search.node_health import NodeHealth

_READ = 65536


class _Stale(Exception):
    """A reused connection closed before its answer began."""


class _Answer:
    """httptools' callbacks: the body, and whether the node keeps the connection."""

    __slots__ = ("body", "done", "keep_alive", "parser")

    def __init__(self) -> None:
        self.body: list[bytes] = []
        self.done = False
        self.keep_alive = False
        self.parser = httptools.HttpResponseParser(self)

    def on_headers_complete(self) -> None:
        # Asked here: once the message is complete, httptools answers False.
        self.keep_alive = self.parser.should_keep_alive()

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.done = True


class _Connection:
    __slots__ = ("reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    def close(self) -> None:
        self.writer.close()


class _Node:
    def __init__(self, node: dict[str, Any], api_key: str, keep: int) -> None:
        self.host = node["host"]
        self.port = node["port"]
        self.tls = node["protocol"] == "https"
        self.keep = keep  # idle connections kept; more open when needed, and are dropped
        self.idle: list[_Connection] = []
        path = node.get("path", "") + "/multi_search"
        self.head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"X-TYPESENSE-API-KEY: {api_key}\r\nContent-Type: application/json\r\n"
            "Content-Length: "
        ).encode("latin-1")

    async def post(self, payload: bytes) -> tuple[int, bytes]:
        request = b"".join((self.head, str(len(payload)).encode(), b"\r\n\r\n", payload))
        while self.idle:
            connection = self.idle.pop()
            try:
                return await self._exchange(connection, request)
            except _Stale:
                continue  # closed while idle: the next one, or a fresh one
        reader, writer = await asyncio.open_connection(
            self.host, self.port, ssl=True if self.tls else None
        )
        try:
            return await self._exchange(_Connection(reader, writer), request)
        except _Stale as exc:
            raise ConnectionResetError("the node closed the connection") from exc

    async def _exchange(self, connection: _Connection, request: bytes) -> tuple[int, bytes]:
        answer = _Answer()
        parser = answer.parser
        reusable = False
        try:
            connection.writer.write(request)
            started = False
            while not answer.done:
                data = await connection.reader.read(_READ)
                if not data:
                    if started:
                        raise ConnectionResetError("the node closed the connection mid-answer")
                    raise _Stale
                started = True
                parser.feed_data(data)
            reusable = answer.keep_alive
            return parser.get_status_code(), b"".join(answer.body)
        except httptools.HttpParserError as exc:
            raise ConnectionError(f"not HTTP: {exc}") from exc
        finally:
            if reusable and len(self.idle) < self.keep:
                self.idle.append(connection)
            else:
                connection.close()

    def close(self) -> None:
        for connection in self.idle:
            connection.close()
        self.idle = []


class AsyncMultiSearch:
    def __init__(
        self,
        urls: str | Sequence[str],
        api_key: str,
        *,
        timeout_seconds: float,
        connections: int = 16,
        health: NodeHealth | None = None,
    ) -> None:
        self._timeout = timeout_seconds
        self._nodes = [_Node(node, api_key, connections) for node in typesense_nodes(urls)]
        self.health = health or NodeHealth(len(self._nodes))

    async def perform(self, body: dict[str, Any]) -> dict[str, Any]:
        """Typesense's answer to one multi_search body, as JSON."""
        payload = orjson.dumps(body)
        failure: Exception | None = None
        for node in self.health.order():
            try:
                async with asyncio.timeout(self._timeout):
                    status, data = await self._nodes[node].post(payload)
            except (OSError, TimeoutError) as exc:  # refused, timed out, dropped
                failure = SearchEngineUnreachable(f"{exc.__class__.__name__}: {exc}")
                failure.__cause__ = exc
                self.health.mark_down(node)
                continue
            outcome = answer_or_next(status, data)
            if not isinstance(outcome, Exception):
                return outcome
            failure = outcome
            self.health.mark_down(node)
        assert failure is not None
        raise failure

    def close(self) -> None:
        for node in self._nodes:
            node.close()
