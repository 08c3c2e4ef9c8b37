"""Typesense write side: versioned collections behind an alias, bulk imports, stock flags.

Shoppers always search the alias (`Settings.typesense_collection`, e.g. "items"). A
load or reindex fills a fresh `items_v<N>` collection and only then points the alias at
it, so search never sees a half-built index. The read side (queries) lives elsewhere.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

import typesense
from typesense import exceptions as ts_errors

from db.search.schema import collection_schema, rating_fields
from settings import Settings

log = logging.getLogger(__name__)

# Typesense answers searches in milliseconds, but a 5,000-document import can take
# seconds on a busy 2-core machine: bulk callers pass this instead of the default.
BULK_TIMEOUT_SECONDS = 120.0
DEFAULT_TIMEOUT_SECONDS = 3.0
# Documents Typesense indexes per internal batch during an import (its default is 40).
SERVER_IMPORT_BATCH = 1000


class SearchIndexError(RuntimeError):
    pass


def typesense_nodes(urls: str | Sequence[str]) -> list[dict[str, Any]]:
    """Base URLs such as `http://127.0.0.1:8108` (a list, or one comma-separated string,
    for a cluster) as client nodes."""
    parts = urls.split(",") if isinstance(urls, str) else list(urls)
    nodes = []
    for part in parts:
        parsed = urlsplit(part.strip())
        if not parsed.hostname:
            raise ValueError(f"not a Typesense URL: {part!r}")
        protocol = parsed.scheme or "http"
        port = parsed.port or (443 if protocol == "https" else 8108)
        node = {"host": parsed.hostname, "port": port, "protocol": protocol}
        if parsed.path.strip("/"):  # behind a proxy under a path
            node["path"] = parsed.path.rstrip("/")
        nodes.append(node)
    return nodes


def make_typesense_client(
    settings: Settings, *, timeout: float = DEFAULT_TIMEOUT_SECONDS, retries: int = 3
) -> typesense.Client:
    """The one Typesense client factory. Writers keep the defaults (or a longer timeout
    for bulk imports); the storefront's searches pass `retries=0` and a short timeout:
    a shopper is better told at once that search is down than kept waiting."""
    if not settings.typesense_urls:
        raise ValueError("TYPESENSE_URL (or TYPESENSE_NODES) is not set (is the stack running?)")
    with warnings.catch_warnings():
        # The 2.x client warns about v30+ server features at construction; 0.24 has none.
        warnings.simplefilter("ignore", DeprecationWarning)
        return typesense.Client(
            {
                "nodes": typesense_nodes(settings.typesense_urls),
                "api_key": settings.typesense_api_key_or_default,
                "connection_timeout_seconds": timeout,
                "num_retries": retries,
                "retry_interval_seconds": 0.5,
            }
        )


def collection_name(alias: str, version: int) -> str:
    return f"{alias}_v{version}"


class SearchIndex:
    """Everything the catalogue writes to Typesense, for one alias."""

    def __init__(self, client: typesense.Client, alias: str) -> None:
        self.client = client
        self.alias = alias

    # -- collections and the alias ------------------------------------------------

    def current_collection(self) -> str | None:
        """The collection shoppers search right now, or None before the first load."""
        try:
            return self.client.aliases[self.alias].retrieve()["collection_name"]
        except ts_errors.ObjectNotFound:
            return None

    def create_versioned_collection(self, version: int) -> str:
        """Create an empty `<alias>_v<version>`; a leftover of a failed load is replaced."""
        name = collection_name(self.alias, version)
        if name == self.current_collection():
            raise SearchIndexError(
                f"{name} is live behind alias {self.alias}; refusing to replace it"
            )
        self.drop_collection(name)
        self.client.collections.create(collection_schema(name))
        return name

    def swap_alias(self, collection: str) -> str | None:
        """Point the alias at `collection`; returns the collection it pointed at before."""
        previous = self.current_collection()
        self.client.aliases.upsert(self.alias, {"collection_name": collection})
        return previous

    def drop_collection(self, name: str) -> bool:
        """Delete a collection; a missing one is fine (retries and cleanups repeat this)."""
        try:
            self.client.collections[name].delete()
            return True
        except ts_errors.ObjectNotFound:
            return False

    def collection_exists(self, name: str) -> bool:
        try:
            self.client.collections[name].retrieve()
            return True
        except ts_errors.ObjectNotFound:
            return False

    def count_documents(self, collection: str | None = None) -> int:
        return int(self.client.collections[collection or self.alias].retrieve()["num_documents"])

    # -- documents ------------------------------------------------------------------

    def import_documents(self, collection: str, documents: Iterable[dict[str, Any]]) -> int:
        """Upsert documents in one request; returns how many Typesense rejected.

        Typesense answers an import with HTTP 200 even when documents fail: each line of
        the response says `{"success": false, "error": ...}` for its document, so every
        line is checked. Upsert makes a retried import harmless.
        """
        body = "\n".join(json.dumps(doc, separators=(",", ":")) for doc in documents)
        if not body:
            return 0
        response = self.client.collections[collection].documents.import_(
            body.encode(), {"action": "upsert", "batch_size": SERVER_IMPORT_BATCH}
        )
        errors = 0
        for line in response.splitlines():
            if not line or '"success":true' in line:
                continue
            result = json.loads(line)
            if result.get("success"):
                continue
            errors += 1
            if errors <= 3:
                log.warning("Typesense rejected a document in %s: %s", collection, line[:500])
        return errors

    def set_in_stock(self, item_id: int, in_stock: bool) -> bool:
        """Flip one item's in-stock flag in the live collection (a partial update).

        Returns False if the item is not indexed (e.g. a reindex is about to add it).
        """
        try:
            self.client.collections[self.alias].documents[str(item_id)].update(
                {"in_stock": bool(in_stock)}
            )
            return True
        except ts_errors.ObjectNotFound:
            return False

    def set_in_stock_many(self, flags: dict[int, bool]) -> set[int]:
        """Partial updates of many items' `in_stock` in one import request.

        Returns the item ids Typesense took, plus those it does not index (nothing to
        flip there); the others (rejected) are for the caller to retry.
        """
        return self._update_many({item_id: {"in_stock": flag} for item_id, flag in flags.items()})

    def set_ratings_many(self, ratings: dict[int, tuple[float | None, int]]) -> set[int]:
        """Partial updates of many items' `rating` and `review_count` (average or None,
        count), settled like set_in_stock_many."""
        return self._update_many(
            {item_id: rating_fields(*rating) for item_id, rating in ratings.items()}
        )

    def _update_many(self, fields: dict[int, dict[str, Any]]) -> set[int]:
        if not fields:
            return set()
        ids = list(fields)
        body = "\n".join(json.dumps({"id": str(item_id), **fields[item_id]}) for item_id in ids)
        response = self.client.collections[self.alias].documents.import_(
            body.encode(), {"action": "update"}
        )
        settled: set[int] = set()
        for item_id, line in zip(ids, response.splitlines(), strict=False):
            result = json.loads(line)
            if result.get("success") or result.get("code") == 404:
                settled.add(item_id)
            else:
                log.warning("Typesense refused an update of item %s: %s", item_id, line[:300])
        return settled
