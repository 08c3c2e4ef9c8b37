"""nextCursor: a complete walk visits every match exactly once, and cursors cannot be bent."""

from __future__ import annotations

import base64

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


def test_the_last_page_has_no_next_cursor(client):
    body = client.get("/api/v1/items", query_string={"category": "Books", "limit": 100}).get_json()

    assert body["nextCursor"] is None


def test_a_search_without_results_has_no_next_cursor(client):
    body = client.get("/api/v1/items", query_string={"query": "zzqqxxyy"}).get_json()

    assert body == {**body, "items": [], "found": 0, "nextCursor": None}


def first_cursor(client, **params) -> str:
    body = client.get("/api/v1/items", query_string={"limit": 3, **params}).get_json()
    assert body["nextCursor"]
    return body["nextCursor"]


def test_a_cursor_reused_with_another_query_is_rejected(client):
    cursor = first_cursor(client, query="kettle")

    response = client.get("/api/v1/items", query_string={"query": "tent", "nextCursor": cursor})

    assert response.status_code == 400
    assert "different search" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "changed", [{"sort": "price_asc"}, {"brand": "Acme"}, {"inStock": "true"}, {"minPrice": "1"}]
)
def test_a_cursor_reused_with_other_filters_or_sort_is_rejected(client, changed):
    cursor = first_cursor(client)

    response = client.get(
        "/api/v1/items", query_string={"nextCursor": cursor, "limit": 3, **changed}
    )

    assert response.status_code == 400


def test_the_same_search_spelled_differently_keeps_its_cursor(client):
    cursor = first_cursor(client, query="  BACKPACK", brand=["Acme", "Northwind", "Or || Else"])

    response = client.get(
        "/api/v1/items",
        query_string={
            "query": "backpack ",
            "brand": ["Or || Else", "Acme", "Northwind", "Acme"],
            "nextCursor": cursor,
        },
    )

    assert response.status_code == 200


def test_changing_the_limit_mid_walk_is_explained(client):
    cursor = first_cursor(client)

    response = client.get("/api/v1/items", query_string={"nextCursor": cursor, "limit": 7})

    assert response.status_code == 400
    assert "limit must stay 3" in response.get_json()["error"]["message"]


def test_a_cursor_keeps_its_limit_when_the_limit_is_left_out(client):
    cursor = first_cursor(client)

    body = client.get("/api/v1/items", query_string={"nextCursor": cursor}).get_json()

    assert body["limit"] == 3 and len(body["items"]) == 3


def tampered(cursor: str) -> list[str]:
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    variants = []
    for index in (0, len(raw) // 2, len(raw) - 1):
        flipped = bytearray(raw)
        flipped[index] ^= 0x01
        variants.append(base64.urlsafe_b64encode(bytes(flipped)).decode().rstrip("="))
    forged_offset = bytes(raw).replace(b",3,3]", b",9,3]")
    variants.append(base64.urlsafe_b64encode(forged_offset).decode().rstrip("="))
    variants += [cursor[:-4], cursor + "AAAA", "", "!!!", "é" * 10]
    return variants


def test_a_tampered_cursor_is_rejected(client):
    cursor = first_cursor(client)

    for bad in tampered(cursor):
        if bad == "":
            continue  # an empty cursor simply means "first page"
        response = client.get("/api/v1/items", query_string={"nextCursor": bad})
        assert response.status_code == 400, bad
        assert "nextCursor" in response.get_json()["error"]["message"]


def test_a_cursor_signed_with_another_secret_is_rejected(client, make_app, web_settings):
    from dataclasses import replace

    other = make_app(replace(web_settings, secret_key="someone-else")).test_client()
    cursor = first_cursor(other)

    response = client.get("/api/v1/items", query_string={"nextCursor": cursor})

    assert response.status_code == 400
