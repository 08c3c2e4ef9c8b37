"""The storefront's one call to Typesense: `POST /multi_search` on a pooled keep-alive connection.

Every keystroke of search-as-you-type is one of these, so its cost in the web process
counts: through the typesense client (request handler, node manager, httpx) a call cost
1.53 ms of app CPU at 1M items, as a plain urllib3 pool 0.89 ms (docs/benchmarks.md,
2026-11-30 night). The body and the answer are the same JSON either way; the writers
(db/search/index.py) keep the typesense client, where a millisecond does not matter.

No retries, a short timeout (SEARCH_TIMEOUT_SECONDS): a shopper is better told at once
that search is down than kept waiting. Several nodes in TYPESENSE_URL are used in turn,
as the typesense client does.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

import orjson
import urllib3

from db.search.index import typesense_nodes
from db.search.typesense_request import TypesenseSearchError


class SearchEngineUnreachable(RuntimeError):
    """No answer from Typesense: refused, timed out, dropped, or a 5xx."""


class MultiSearch:
    def __init__(
        self, url: str, api_key: str, *, timeout_seconds: float, connections: int = 16
    ) -> None:
        headers = {"X-TYPESENSE-API-KEY": api_key, "Content-Type": "application/json"}
        self._nodes: list[tuple[urllib3.HTTPConnectionPool, str]] = []
        for node in typesense_nodes(url):
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
        self._turn = itertools.cycle(self._nodes)
        self._turn_lock = threading.Lock()

    def perform(self, body: dict[str, Any]) -> dict[str, Any]:
        """Typesense's answer to one multi_search body, as JSON."""
        with self._turn_lock:
            pool, path = next(self._turn)
        try:
            response = pool.urlopen("POST", path, body=orjson.dumps(body), preload_content=True)
        except urllib3.exceptions.HTTPError as exc:
            raise SearchEngineUnreachable(f"{exc.__class__.__name__}: {exc}") from exc
        if response.status >= 500:
            raise SearchEngineUnreachable(f"HTTP {response.status}: {response.data[:200]!r}")
        try:
            answer = orjson.loads(response.data)
        except ValueError as exc:
            raise SearchEngineUnreachable(f"not JSON: {response.data[:200]!r}") from exc
        if response.status != 200:
            # 404: the alias does not exist (no catalogue loaded yet); 400: a bug here.
            message = answer.get("message") if isinstance(answer, dict) else answer
            raise TypesenseSearchError(str(message), response.status)
        return answer

    def close(self) -> None:
        for pool, _ in self._nodes:
            pool.close()
