"""nextCursor on Typesense: a complete walk visits every match exactly once, in the
single-page order (ties broken the same way on every page). The cursor's rules (foreign,
tampered, limit changes) are checked on the fast layer: tests/web/test_search_cursor.py."""

from __future__ import annotations

import pytest

from tests.web.catalogue import ITEMS

pytestmark = [pytest.mark.web, pytest.mark.integration]


def walk(client, **params) -> tuple[list[int], int, int]:
    """Follow nextCursor to the end; returns (ids in order, found, number of pages)."""
    seen: list[int] = []
    cursor = None
    pages = 0
    found = None
    while True:
        query = dict(params, **({"nextCursor": cursor} if cursor else {}))
        response = client.get("/api/v1/items", query_string=query)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        pages += 1
        found = body["found"] if found is None else found
        assert body["found"] == found, "the total must not change along the walk"
        seen.extend(item["itemID"] for item in body["items"])
        cursor = body["nextCursor"]
        if cursor is None:
            return seen, found, pages
        assert pages < 100, "the walk never ended"


@pytest.mark.parametrize("sort", ["relevance", "price_asc", "price_desc", "rating"])
def test_following_next_cursor_visits_every_item_exactly_once(client, sort):
    seen, found, pages = walk(client, limit=5, sort=sort)

    assert found == len(ITEMS)
    assert len(seen) == len(set(seen)) == found
    assert pages == -(-found // 5)


def test_following_next_cursor_through_a_text_search_with_filters_is_complete(client):
    seen, found, _ = walk(client, query="kids", limit=2, inStock="true")

    expected = {i.id for i in ITEMS if "kids" in i.name.lower() and i.total_stock > 0}
    assert found == len(expected)
    assert sorted(seen) == sorted(expected)


def test_ties_on_price_are_broken_the_same_way_on_every_page(client):
    # Many items share a price; the walk must still be the single-page ordering.
    seen, _, _ = walk(client, sort="price_asc", limit=3)
    one_page = client.get(
        "/api/v1/items", query_string={"sort": "price_asc", "limit": 100}
    ).get_json()

    assert seen == [item["itemID"] for item in one_page["items"]]
