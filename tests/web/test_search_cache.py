"""Popular searches come from Redis; a missing Redis only makes search uncached."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from sqlalchemy import text

from db.postgres.engine import make_engine
from stack.ports import free_port

pytestmark = [pytest.mark.web, pytest.mark.integration]


def unique_search() -> dict[str, str]:
    # A price bound nobody else uses gives this test its own cache entry.
    return {"query": "kettle", "maxPrice": str(900_000 + uuid.uuid4().int % 90_000)}


def test_a_repeated_search_is_served_from_redis(client, make_app, web_settings):
    params = unique_search()
    first = client.get("/api/v1/items", query_string=params)
    second = client.get("/api/v1/items", query_string=params)

    assert first.headers["X-Search-Cache"] == "miss"
    assert second.headers["X-Search-Cache"] == "hit"
    assert second.get_json() == first.get_json()

    # The proof that does not trust our own header: with Typesense unreachable the
    # cached search still answers, while an uncached one cannot.
    closed = f"http://127.0.0.1:{free_port()}"
    blind = make_app(replace(web_settings, typesense_url=closed)).test_client()
    assert blind.get("/api/v1/items", query_string=params).get_json() == first.get_json()
    assert blind.get("/api/v1/items", query_string=unique_search()).status_code == 503


def test_a_new_catalogue_version_is_never_served_old_results(client, make_app, web_settings):
    params = unique_search()
    client.get("/api/v1/items", query_string=params)
    assert client.get("/api/v1/items", query_string=params).headers["X-Search-Cache"] == "hit"

    engine = make_engine(web_settings.database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE catalog_state SET version = version + 1 WHERE id = 1"))
    engine.dispose()

    fresh = make_app().test_client()  # a new process-level version cache
    assert fresh.get("/api/v1/items", query_string=params).headers["X-Search-Cache"] == "miss"


def test_search_works_uncached_when_redis_is_down(make_app, web_settings):
    app = make_app(replace(web_settings, redis_url=f"redis://127.0.0.1:{free_port()}/0"))
    client = app.test_client()

    for _ in range(2):
        response = client.get("/api/v1/items", query_string={"query": "tent"})
        assert response.status_code == 200
        assert response.get_json()["found"] == 3
        assert response.headers["X-Search-Cache"] == "off"
    page = client.get("/search", query_string={"query": "tent"})
    assert page.status_code == 200
