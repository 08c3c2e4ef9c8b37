"""GET /api/v1/items: shape, relevance, filters, sorts, facets and every way to ask badly."""

from __future__ import annotations

import pytest

from tests.web.catalogue import BY_ID, ITEMS, WIRELESS_HEADPHONES

pytestmark = [pytest.mark.web, pytest.mark.integration]


def search(client, **params):
    response = client.get("/api/v1/items", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(body) -> list[int]:
    return [item["itemID"] for item in body["items"]]


def test_a_search_answers_items_with_a_cursor_and_a_total(client):
    response = client.get("/api/v1/items", query_string={"query": "kettle", "limit": 2})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=30"
    body = response.get_json()
    assert set(body) == {
        "items",
        "nextCursor",
        "limit",
        "found",
        "exactMatch",
        "relaxedQuery",
        "didYouMean",
    }
    assert (body["exactMatch"], body["relaxedQuery"], body["didYouMean"]) == (True, None, None)
    assert body["limit"] == 2
    assert body["found"] == 4
    assert isinstance(body["nextCursor"], str)
    first = body["items"][0]
    assert set(first) == {
        "itemID", "name", "price", "brand", "category", "rating", "reviewCount", "inStock",
        "imageURL",
    }  # fmt: skip
    record = BY_ID[first["itemID"]]
    assert (first["rating"], first["reviewCount"]) == (record.rating, record.review_count)
    assert (first["name"], first["price"], first["brand"]) == (
        record.name,
        record.price,
        record.brand,
    )
    # The picture's hash travels through the search index (docs/media.md).
    assert first["imageURL"] == f"/media/{record.picture}-480.webp"


def test_facet_counts_come_only_when_asked_for_and_do_not_change_the_hits(client):
    plain = search(client, query="kettle", limit=2)
    counted = search(client, query="kettle", limit=2, facets="true")

    assert set(counted["facets"]) == {"category", "brand", "inStock"}
    assert {k: v for k, v in counted.items() if k != "facets"} == plain
    assert "facets" not in search(client, query="kettle", facets="false")


def test_a_typo_still_finds_wireless_headphones(client):
    body = search(client, query="wireles headphnes")

    top = ids(body)[: len(WIRELESS_HEADPHONES)]
    assert set(top) == WIRELESS_HEADPHONES


def test_an_unfinished_last_word_already_finds_matches(client):
    body = search(client, query="backp")

    assert body["found"] >= 5
    assert all("backp" in BY_ID[i].name.lower() for i in ids(body)[:5])


def test_an_empty_query_browses_the_whole_catalogue_best_rated_first(client):
    body = search(client, limit=100)

    assert body["found"] == len(ITEMS)
    ratings = [item["rating"] for item in body["items"]]
    assert ratings[-1] is None and None not in ratings[:-1]  # no reviews: last
    assert ratings[:-1] == sorted(ratings[:-1], reverse=True)


def test_filters_combine_category_brands_price_range_and_stock(client):
    body = search(
        client,
        category="Audio",
        brand=["SoundMax", "Acme"],
        minPrice=5000,
        maxPrice=20000,
        inStock="true",
        limit=100,
    )

    expected = {
        item.id
        for item in ITEMS
        if item.category == "Audio"
        and item.brand in {"SoundMax", "Acme"}
        and 5000 <= item.price <= 20000
        and item.total_stock > 0
    }
    assert expected and set(ids(body)) == expected
    assert body["found"] == len(expected)


def test_in_stock_false_shows_only_sold_out_items(client):
    body = search(client, inStock="false", limit=100)

    assert set(ids(body)) == {item.id for item in ITEMS if item.total_stock == 0}
    assert all(not item["inStock"] for item in body["items"])


def test_the_price_range_is_inclusive_at_both_ends(client):
    body = search(client, minPrice=3999, maxPrice=3999, limit=100)

    assert set(ids(body)) == {item.id for item in ITEMS if item.price == 3999}


@pytest.mark.parametrize(
    ("sort", "key", "descending"),
    [("price_asc", "price", False), ("price_desc", "price", True), ("rating", "rating", True)],
)
def test_sorting_orders_the_results(client, sort, key, descending):
    body = search(client, sort=sort, limit=100)

    # An item without reviews (rating null) comes after every rated one.
    values = [-1 if item[key] is None else item[key] for item in body["items"]]
    assert len(values) == len(ITEMS)
    assert values == sorted(values, reverse=descending)


def test_sorting_by_price_also_applies_to_a_text_search(client):
    body = search(client, query="backpack", sort="price_asc")

    prices = [item["price"] for item in body["items"]]
    assert len(prices) >= 5 and prices == sorted(prices)


def test_category_facet_counts_add_up_to_the_number_found(client):
    body = search(client, query="kids", facets="true")

    facets = body["facets"]
    assert sum(f["count"] for f in facets["category"]) == body["found"]
    assert sum(f["count"] for f in facets["brand"]) == body["found"]
    assert sum(f["count"] for f in facets["inStock"]) == body["found"]


def test_facet_counts_match_the_catalogue(client):
    body = search(client, facets="true")

    by_category = {f["value"]: f["count"] for f in body["facets"]["category"]}
    assert by_category == {
        category: sum(1 for item in ITEMS if item.category == category)
        for category in {item.category for item in ITEMS}
    }


def test_picking_a_brand_still_counts_the_other_brands_one_could_switch_to(client):
    body = search(client, category="Kitchen", brand="Acme", facets="true")

    brands = {f["value"]: f["count"] for f in body["facets"]["brand"]}
    kitchen = [item for item in ITEMS if item.category == "Kitchen"]
    assert brands == {
        b: sum(1 for i in kitchen if i.brand == b) for b in {i.brand for i in kitchen}
    }
    assert body["found"] == sum(1 for i in kitchen if i.brand == "Acme")


def test_odd_unicode_in_a_query_never_breaks_search(client):
    for query in ["kettle\u202e", "🎧 headphones", "*", "-kettle", '"kettle']:
        assert client.get("/api/v1/items", query_string={"query": query}).status_code == 200


def test_control_characters_in_a_query_are_refused_with_a_message(client):
    # Every text the store reads refuses NUL and other control characters (docs/security.md).
    response = client.get("/api/v1/items", query_string={"query": "\x00\x01kettle\x7f"})

    assert response.status_code == 400
    assert "characters we can't accept" in response.get_json()["error"]["message"]
