"""Catalogue tests each get their own database and search alias (see `isolated_settings`
in tests/conftest.py), so loading or replacing a whole catalogue never disturbs the
session's shared one."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, text

from db.postgres.engine import make_engine
from db.search.index import BULK_TIMEOUT_SECONDS, SearchIndex, make_typesense_client
from settings import Settings


@pytest.fixture
def catalog_settings(request, isolated_settings: Callable[[str], Settings]) -> Iterator[Settings]:
    name = "cat_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    settings = isolated_settings(name)
    yield settings
    # Typesense keeps collections in memory: leave nothing behind.
    index = search_index_for(settings)
    if index.current_collection():
        index.client.aliases[settings.typesense_collection].delete()
    for collection in index.client.collections.retrieve():
        if collection["name"].startswith(f"{settings.typesense_collection}_v"):
            index.drop_collection(collection["name"])


@pytest.fixture
def catalog_engine(catalog_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(catalog_settings.database_url)
    yield engine
    engine.dispose()


def search_index_for(settings: Settings) -> SearchIndex:
    return SearchIndex(
        make_typesense_client(settings, timeout=BULK_TIMEOUT_SECONDS), settings.typesense_collection
    )


def scalar(engine: Engine, sql: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()
