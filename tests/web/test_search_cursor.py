"""nextCursor cannot be bent: a cursor from another search, with other filters or sort,
another limit, another secret or tampered bytes is a 400 that says so. On the fast
layer's FakeSearch, which runs SearchService's own window code and CursorCodec; the
complete walks on Typesense are tests/web/test_search_cursor_walks.py."""

from __future__ import annotations

import base64
from dataclasses import replace

import pytest

pytestmark = pytest.mark.web


def test_the_last_page_has_no_next_cursor(fast_client):
    body = fast_client.get(
        "/api/v1/items", query_string={"category": "Books", "limit": 100}
    ).get_json()

    assert body["nextCursor"] is None


def test_a_search_without_results_has_no_next_cursor(fast_client):
    body = fast_client.get("/api/v1/items", query_string={"query": "zzqqxxyy"}).get_json()

    assert body == {**body, "items": [], "found": 0, "nextCursor": None}


def first_cursor(fast_client, **params) -> str:
    body = fast_client.get("/api/v1/items", query_string={"limit": 3, **params}).get_json()
    assert body["nextCursor"]
    return body["nextCursor"]


def test_a_cursor_reused_with_another_query_is_rejected(fast_client):
    cursor = first_cursor(fast_client, query="kettle")

    response = fast_client.get(
        "/api/v1/items", query_string={"query": "tent", "nextCursor": cursor}
    )

    assert response.status_code == 400
    assert "different search" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "changed", [{"sort": "price_asc"}, {"brand": "Acme"}, {"inStock": "true"}, {"minPrice": "1"}]
)
def test_a_cursor_reused_with_other_filters_or_sort_is_rejected(fast_client, changed):
    cursor = first_cursor(fast_client)

    response = fast_client.get(
        "/api/v1/items", query_string={"nextCursor": cursor, "limit": 3, **changed}
    )

    assert response.status_code == 400


def test_the_same_search_spelled_differently_keeps_its_cursor(fast_client):
    cursor = first_cursor(
        fast_client, query="  BACKPACK", brand=["Acme", "Northwind", "Or || Else"]
    )

    response = fast_client.get(
        "/api/v1/items",
        query_string={
            "query": "backpack ",
            "brand": ["Or || Else", "Acme", "Northwind", "Acme"],
            "nextCursor": cursor,
        },
    )

    assert response.status_code == 200


def test_changing_the_limit_mid_walk_is_explained(fast_client):
    cursor = first_cursor(fast_client)

    response = fast_client.get("/api/v1/items", query_string={"nextCursor": cursor, "limit": 7})

    assert response.status_code == 400
    assert "limit must stay 3" in response.get_json()["error"]["message"]


def test_a_cursor_keeps_its_limit_when_the_limit_is_left_out(fast_client):
    cursor = first_cursor(fast_client)

    body = fast_client.get("/api/v1/items", query_string={"nextCursor": cursor}).get_json()

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


def test_a_tampered_cursor_is_rejected(fast_client):
    cursor = first_cursor(fast_client)

    for bad in tampered(cursor):
        if bad == "":
            continue  # an empty cursor simply means "first page"
        response = fast_client.get("/api/v1/items", query_string={"nextCursor": bad})
        assert response.status_code == 400, bad
        assert "nextCursor" in response.get_json()["error"]["message"]


def test_a_cursor_signed_with_another_secret_is_rejected(fast_client):
    import secrets

    from tests.web.fakes import FakeSearch, fake_services, fake_settings
    from web import create_app

    settings = replace(fake_settings(), secret_key=secrets.token_urlsafe(48))
    other = create_app(settings, services=fake_services(settings, FakeSearch(settings.secret_key)))
    cursor = first_cursor(other.test_client())

    response = fast_client.get("/api/v1/items", query_string={"nextCursor": cursor})

    assert response.status_code == 400


def test_a_cursor_from_another_search_is_refused_on_the_search_page_too(fast_client):
    cursor = first_cursor(fast_client, query="kettle")

    response = fast_client.get("/search", query_string={"query": "tent", "nextCursor": cursor})

    assert response.status_code == 400
    assert "different search" in response.get_data(as_text=True)
