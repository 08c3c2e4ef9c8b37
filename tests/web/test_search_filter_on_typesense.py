"""`filter` values reach Typesense as literal values only: quoted values may hold commas,
pipes and colons, hostile-looking values match exactly themselves or nothing, and both
spellings of a search share one cache entry and cursor. The grammar itself is checked
on the fast layer: tests/web/test_search_filter_param.py."""

from __future__ import annotations

import pytest

from tests.web.catalogue import HOSTILE_BRANDS, ITEMS

pytestmark = [pytest.mark.web, pytest.mark.integration]


def found(client, **params) -> set[int]:
    response = client.get("/api/v1/items", query_string={"limit": 100, **params})
    assert response.status_code == 200, response.get_json()
    return {item["itemID"] for item in response.get_json()["items"]}


def stock(item) -> int:
    return sum(units for _, units in item.stock_by_warehouse)


def items_where(predicate) -> set[int]:
    return {item.id for item in ITEMS if predicate(item)}


def refused(client, **params):
    response = client.get("/api/v1/items", query_string=params)
    assert response.status_code == 400, response.get_json()
    return response.get_json()["error"]


def test_a_quoted_value_may_hold_commas_pipes_and_colons(client):
    ids = found(client, filter='brand:"Comma, Inc"|"Or || Else"|Colon: Labs')

    assert ids == items_where(lambda i: i.brand in {"Comma, Inc", "Or || Else", "Colon: Labs"})


@pytest.mark.parametrize("brand", HOSTILE_BRANDS)
def test_a_hostile_looking_brand_in_filter_matches_exactly_that_brand(client, brand):
    assert found(client, filter=f'brand:"{brand}"') == items_where(lambda i: i.brand == brand)


@pytest.mark.parametrize(
    "term",
    [
        'brand:"a] || price:>0"',
        'brand:"Acme] || brand:=[SoundMax"',
        'category:"x] && in_stock:=false || category:=[Books"',
        'category:") || (price:>0"',
        "category:x] && in_stock:=false",
        "brand:Acme && price:<0",
        "category:*",
        "brand:price:>0",
    ],
)
def test_hostile_filter_values_never_widen_the_results(client, term):
    assert found(client, filter=term) == set()


def test_a_search_spelt_with_filter_or_parameters_is_one_search_cache_and_cursor(client):
    spelt_as_filter = {"filter": "category:Books,price:..2000", "sort": "price_asc"}
    spelt_apart = {"category": "Books", "maxPrice": 2000, "sort": "price_asc"}
    first = client.get("/api/v1/items", query_string={**spelt_as_filter, "limit": 2})
    assert first.status_code == 200
    cursor = first.get_json()["nextCursor"]

    # The other spelling is the same search: same cache entry, and the cursor follows.
    same = client.get("/api/v1/items", query_string={**spelt_apart, "limit": 2})
    assert same.headers["X-Search-Cache"] == "hit"
    following = client.get(
        "/api/v1/items", query_string={**spelt_apart, "nextCursor": cursor}
    ).get_json()
    seen = [i["itemID"] for i in first.get_json()["items"] + following["items"]]
    books = items_where(lambda i: i.category == "Books" and i.price <= 2000)
    assert len(books) == 4 and len(seen) == 4
    assert set(seen) == books  # two pages of two, nothing twice, nothing missed
    # ...but a cursor is refused with a different search.
    other = client.get(
        "/api/v1/items", query_string={"filter": "category:Kitchen", "nextCursor": cursor}
    )
    assert other.status_code == 400
