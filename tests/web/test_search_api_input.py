"""GET /api/v1/items asked badly, on the fast layer (tests/web/fakes.py): every way to
ask gets a 400 with a readable message before any search runs. Moved from
test_search_api.py, which keeps what Typesense decides (relevance, typos, facets)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.web


def search(client, **params):
    response = client.get("/api/v1/items", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("value", ["yes", "2", "", "truee"])
def test_facets_takes_only_true_or_false(fast_client, value):
    if value == "":
        assert "facets" not in search(fast_client, facets=value)
        return
    response = fast_client.get("/api/v1/items", query_string={"facets": value})
    assert response.status_code == 400
    assert "facets must be true or false" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sort": "cheapest"}, "sort must be one of relevance, price_asc, price_desc, rating"),
        ({"limit": "0"}, "limit must be a whole number from 1 to 100"),
        ({"limit": "101"}, "limit must be a whole number from 1 to 100"),
        ({"limit": "abc"}, "limit must be a whole number from 1 to 100, got 'abc'."),
        ({"limit": "2.5"}, "limit must be a whole number from 1 to 100"),
        ({"limit": "9" * 5000}, "limit must be a whole number from 1 to 100"),
        (
            {"minPrice": "500", "maxPrice": "100"},
            "minimum price must not be greater than the maximum",
        ),
        ({"minPrice": "-1"}, "minPrice must not be negative"),
        (
            {"maxPrice": "12.99"},
            "maxPrice must be a whole number of cents (e.g. 1999 for $19.99), got '12.99'.",
        ),
        ({"maxPrice": "99999999999"}, "maxPrice must be at most"),
        ({"inStock": "yes"}, "inStock must be true or false"),
        ({"query": "x" * 201}, "query must be at most 200 characters"),
        ({"nextCursor": "not-a-cursor"}, "nextCursor is not valid"),
        ({"brand": "bad`tick"}, "brand must not contain a backtick"),
        ({"category": "c" * 101}, "category must be at most 100 characters"),
        ({"limit": ["5", "6"]}, "limit was given 2 different values"),
    ],
)
def test_bad_input_is_answered_400_with_a_readable_message(fast_client, params, message):
    response = fast_client.get("/api/v1/items", query_string=params)

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert message.lower() in error["message"].lower()


def test_a_query_of_exactly_200_characters_is_fine(fast_client):
    assert fast_client.get("/api/v1/items", query_string={"query": "a" * 200}).status_code == 200


@pytest.mark.parametrize("item_id", ["abc", "-3", "1.5", "%20"])
def test_a_non_numeric_item_id_is_a_400(fast_client, item_id):
    response = fast_client.get(f"/api/v1/items/{item_id}")

    assert response.status_code == 400
    assert "itemID must be a positive whole number" in response.get_json()["error"]["message"]


def test_unknown_api_routes_and_methods_answer_json(fast_client):
    missing = fast_client.get("/api/v1/nothing-here")
    wrong_method = fast_client.post("/api/v1/items")

    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    assert wrong_method.status_code == 405
    assert wrong_method.get_json()["error"]["code"] == "method_not_allowed"
