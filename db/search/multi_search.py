"""The storefront's one call to Typesense: `POST /multi_search` on a pooled keep-alive connection.

Every keystroke of search-as-you-type is one of these, so its cost in the web process
counts: through the typesense client (request handler, node manager, httpx) a call cost
1.53 ms of app CPU at 1M items, as a plain urllib3 pool 0.89 ms (docs/benchmarks.md,
2026-11-30 night). The body and the answer are the same JSON either way; the writers
(db/search/index.py) keep the typesense client, where a millisecond does not matter.

A short timeout (SEARCH_TIMEOUT_SECONDS): a shopper is better told at once that search
is down than kept waiting. With several nodes (TYPESENSE_NODES, a Raft cluster) the
nodes are asked in turn, and a search whose node did not answer (refused, timed out,
dropped, or 503) is asked of the next node, each node at most once; the failed node is
set aside for a few seconds (db/search/node_health.py, docs/scaling.md "Search on a
Typesense cluster"). Each node, not one more: with the Raft leader killed, a second node
may be catching up for a moment (below), and the third still answers.
So is a search that a node answers with "Not found" for the collection: a node of a
Raft cluster that was restarted, or is installing the leader's snapshot, answers before
its copy of the index is whole, while the other nodes have the collection. (From every
node, a 404 is the truth: no catalogue is loaded yet.) Any other 4xx is the search's own
fault and goes to no other node.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
import urllib3

from db.search.index import typesense_nodes
from db.search.node_health import NodeHealth
from db.search.typesense_request import TypesenseSearchError

NOT_FOUND = 404


class SearchEngineUnreachable(RuntimeError):
    """No answer from Typesense: refused, timed out, dropped, or a 5xx."""


class MultiSearch:
    def __init__(
        self,
        urls: str | Sequence[str],
        api_key: str,
        *,
        timeout_seconds: float,
        connections: int = 16,
        health: NodeHealth | None = None,
    ) -> None:
        """`urls`: the nodes' base URLs (`Settings.typesense_urls`), or one comma-separated
        string of them."""
        headers = {"X-TYPESENSE-API-KEY": api_key, "Content-Type": "application/json"}
        self._nodes: list[tuple[urllib3.HTTPConnectionPool, str]] = []
        for node in typesense_nodes(urls):
            pool_class = (
                urllib3.HTTPSConnectionPool
                if node["protocol"] == "https"
                else urllib3.HTTPConnectionPool
            )
            pool = pool_class(
                node["host"],
                node["port"],
                # One kept-alive connection per web thread: more threads just open
                # (and drop) extra ones rather than wait.
                maxsize=connections,
                timeout=urllib3.Timeout(connect=timeout_seconds, read=timeout_seconds),
                retries=False,
                headers=headers,
            )
            self._nodes.append((pool, node.get("path", "") + "/multi_search"))
        self.health = health or NodeHealth(len(self._nodes))

    def perform(self, body: dict[str, Any]) -> dict[str, Any]:
        """Typesense's answer to one multi_search body, as JSON."""
        payload = orjson.dumps(body)
        failure: Exception | None = None
        for node in self.health.order():
            pool, path = self._nodes[node]
            try:
                response = pool.urlopen("POST", path, body=payload, preload_content=True)
            except urllib3.exceptions.HTTPError as exc:  # refused, timed out, dropped
                failure = SearchEngineUnreachable(f"{exc.__class__.__name__}: {exc}")
                failure.__cause__ = exc
                self.health.mark_down(node)
                continue
            outcome = answer_or_next(response.status, response.data)
            if not isinstance(outcome, Exception):
                return outcome
            failure = outcome
            self.health.mark_down(node)
        assert failure is not None
        raise failure

    def close(self) -> None:
        for pool, _ in self._nodes:
            pool.close()


def answer_or_next(status: int, data: bytes) -> dict[str, Any] | Exception:
    """A node's answer; or, returned, why the next node should be asked: a 503 (starting,
    catching up, or cut off from the leader) or a collection this node does not have yet
    (or that no node has); raised, an error no other node would answer differently."""
    if status == 503:
        return SearchEngineUnreachable(f"HTTP 503: {data[:200]!r}")
    try:
        return answer_of(status, data)
    except TypesenseSearchError as exc:
        if exc.status != NOT_FOUND:
            raise
        return exc


def answer_of(status: int, data: bytes) -> dict[str, Any]:
    """A node's answer (anything but a 503) as JSON, or the error it means. A multi_search
    answers 200 with the error inside a search's result: a collection (or alias) the node
    does not have is raised here as the 404 it is, so the caller can ask another node."""
    if status >= 500:
        raise SearchEngineUnreachable(f"HTTP {status}: {data[:200]!r}")
    try:
        answer = orjson.loads(data)
    except ValueError as exc:
        raise SearchEngineUnreachable(f"not JSON: {data[:200]!r}") from exc
    if status != 200:
        # 404: the alias does not exist (no catalogue loaded yet); 400: a bug here.
        message = answer.get("message") if isinstance(answer, dict) else answer
        raise TypesenseSearchError(str(message), status)
    if isinstance(answer, dict):
        for result in answer.get("results") or ():
            if isinstance(result, dict) and result.get("code") == NOT_FOUND:
                raise TypesenseSearchError(str(result.get("error")), NOT_FOUND)
    return answer
