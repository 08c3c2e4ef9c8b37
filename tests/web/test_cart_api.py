"""`GET /api/v1/cart` and `PATCH /api/v1/cart?op=ADD|REMOVE|SET`: the shopper's own cart, checked
against live stock; every bad input a 4xx with a message and nothing written.

On the fakes (tests/fakes/shop.py; the cart store's contract test is
tests/web/test_cart_contract.py). Concurrent adds need PostgreSQL's row lock:
tests/web/test_cart_stack.py."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.catalogue import BY_ID

pytestmark = pytest.mark.web


@pytest.fixture
def client(fake_shop):
    return fake_shop.app.test_client()


@pytest.fixture
def api_headers(fake_shop):
    return fake_shop.api_headers()


PLENTY = 12  # "Budget Earbuds": 100 in stock, $9.99
HEADPHONES = 1  # 40 in stock, $199.99
THREE_LEFT = 2  # 3 in stock
SOLD_OUT = 4  # 0 in stock


def patch(client, headers, op, body):
    return client.patch(f"/api/v1/cart?op={op}", json=body, headers=headers)


def cart(client, headers) -> dict:
    response = client.get("/api/v1/cart", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def error_of(response) -> dict:
    body = response.get_json()
    assert body and body["error"]["message"], response.get_data(as_text=True)
    return body["error"]


def test_a_new_shoppers_cart_is_empty_and_never_cached(client, api_headers):
    response = client.get("/api/v1/cart", headers=api_headers)

    assert response.get_json() == {"items": [], "total": 0, "count": 0}
    assert response.headers["Cache-Control"] == "private, no-store"


def test_adding_creates_a_line_and_adding_again_adds_to_it(client, api_headers):
    first = patch(client, api_headers, "ADD", {"itemID": HEADPHONES, "quantity": 2})
    second = patch(client, api_headers, "ADD", {"itemID": HEADPHONES, "quantity": 3})
    patch(client, api_headers, "ADD", {"itemID": PLENTY, "quantity": 1})

    assert first.status_code == 200 and first.get_json()["items"][0]["quantity"] == 2
    assert second.headers["Cache-Control"] == "private, no-store"
    assert cart(client, api_headers) == {
        "items": [
            {
                "itemID": HEADPHONES,
                "name": BY_ID[HEADPHONES].name,
                "price": 19999,
                "quantity": 5,
                "lineTotal": 5 * 19999,
                "stock": 40,
            },
            {
                "itemID": PLENTY,
                "name": BY_ID[PLENTY].name,
                "price": 999,
                "quantity": 1,
                "lineTotal": 999,
                "stock": 100,
            },
        ],
        "total": 5 * 19999 + 999,
        "count": 6,
    }


def test_removing_takes_units_off_and_the_line_goes_at_zero(client, api_headers):
    patch(client, api_headers, "ADD", {"itemID": PLENTY, "quantity": 5})

    fewer = patch(client, api_headers, "REMOVE", {"itemID": PLENTY, "quantity": 2})
    gone = patch(client, api_headers, "REMOVE", {"itemID": PLENTY, "quantity": 3})

    assert fewer.get_json()["items"][0]["quantity"] == 3
    assert gone.status_code == 200 and gone.get_json() == {"items": [], "total": 0, "count": 0}


def test_removing_more_than_is_there_removes_the_line_and_removing_nothing_changes_nothing(
    client, api_headers
):
    nothing = patch(client, api_headers, "REMOVE", {"itemID": PLENTY, "quantity": 1})
    patch(client, api_headers, "ADD", {"itemID": PLENTY, "quantity": 2})
    everything = patch(client, api_headers, "REMOVE", {"itemID": PLENTY, "quantity": 50})

    assert nothing.status_code == 200 and nothing.get_json()["items"] == []
    assert everything.get_json()["items"] == []


def test_set_makes_the_line_exactly_that_and_zero_removes_it(client, api_headers):
    patch(client, api_headers, "ADD", {"itemID": PLENTY, "quantity": 5})

    assert (
        patch(client, api_headers, "SET", {"itemID": PLENTY, "quantity": 2}).get_json()["count"]
        == 2
    )
    assert (
        patch(client, api_headers, "set", {"itemID": PLENTY, "quantity": 9}).get_json()["count"]
        == 9
    )
    assert (
        patch(client, api_headers, "SET", {"itemID": PLENTY, "quantity": 0}).get_json()["items"]
        == []
    )


def test_asking_for_more_than_is_left_says_how_many_and_changes_nothing(client, api_headers):
    patch(client, api_headers, "ADD", {"itemID": PLENTY, "quantity": 1})
    before = cart(client, api_headers)

    response = patch(client, api_headers, "ADD", {"itemID": THREE_LEFT, "quantity": 4})

    assert response.status_code == 409
    assert response.get_json() == {
        "error": {
            "code": "insufficient_stock",
            "message": "Only 3 left.",
            "left": 3,
            "inCart": 0,
        }
    }
    assert cart(client, api_headers) == before


def test_the_stock_check_counts_what_is_already_in_the_cart(client, api_headers):
    assert (
        patch(client, api_headers, "ADD", {"itemID": THREE_LEFT, "quantity": 2}).status_code == 200
    )

    response = patch(client, api_headers, "ADD", {"itemID": THREE_LEFT, "quantity": 2})

    assert response.status_code == 409
    error = error_of(response)
    assert error["left"] == 3 and error["inCart"] == 2
    assert error["message"] == "Only 3 left and you already have 2 in your cart."
    assert cart(client, api_headers)["items"][0]["quantity"] == 2
    assert (
        patch(client, api_headers, "ADD", {"itemID": THREE_LEFT, "quantity": 1}).status_code == 200
    )


def test_a_sold_out_item_cannot_be_added(client, api_headers):
    response = patch(client, api_headers, "ADD", {"itemID": SOLD_OUT, "quantity": 1})

    assert response.status_code == 409
    assert error_of(response)["left"] == 0
    assert "out of stock" in error_of(response)["message"]
    assert cart(client, api_headers)["items"] == []


def test_setting_a_line_above_the_stock_is_refused_but_lowering_it_always_works(
    client, api_headers
):
    patch(client, api_headers, "ADD", {"itemID": THREE_LEFT, "quantity": 3})

    assert (
        patch(client, api_headers, "SET", {"itemID": THREE_LEFT, "quantity": 4}).status_code == 409
    )
    assert (
        patch(client, api_headers, "SET", {"itemID": THREE_LEFT, "quantity": 1}).status_code == 200
    )


def test_a_line_is_capped_at_the_limit_per_line(client, api_headers):
    # The production default, 10 (MAX_HELD_UNITS_PER_ITEM); tests/web/test_line_limit.py
    # has the checkout's side.
    patch(client, api_headers, "ADD", {"itemID": PLENTY, "quantity": 6})

    response = patch(client, api_headers, "ADD", {"itemID": PLENTY, "quantity": 5})

    assert response.status_code == 409
    assert error_of(response)["code"] == "line_limit" and error_of(response)["max"] == 10
    assert error_of(response)["inCart"] == 6
    assert cart(client, api_headers)["count"] == 6


def test_an_unknown_item_is_a_404_and_changes_nothing(client, api_headers):
    for item_id in (999_999, 2**63 - 1, 2**70, 0, -5):
        response = patch(client, api_headers, "ADD", {"itemID": item_id, "quantity": 1})
        assert response.status_code == 404, item_id
        assert f"No item with itemID {item_id}" in error_of(response)["message"]
    assert cart(client, api_headers)["items"] == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"itemID": 1, "quantity": 0}, "quantity must be at least 1."),
        ({"itemID": 1, "quantity": -3}, "quantity must be at least 1."),
        ({"itemID": 1, "quantity": 101}, "quantity must be at most 100."),
        ({"itemID": 1, "quantity": 10**30}, "quantity must be at most 100."),
        ({"itemID": 1, "quantity": "2"}, "quantity must be a whole number, got a string."),
        ({"itemID": 1, "quantity": 2.0}, "quantity must be a whole number, got a decimal number."),
        ({"itemID": 1, "quantity": 1.5}, "quantity must be a whole number"),
        ({"itemID": 1, "quantity": True}, "quantity must be a whole number, got a boolean."),
        ({"itemID": 1, "quantity": None}, "quantity is required."),
        ({"itemID": 1, "quantity": [1]}, "quantity must be a whole number, got a list."),
        ({"itemID": 1}, "quantity is required."),
        ({"quantity": 1}, "itemID is required."),
        ({"itemID": "1", "quantity": 1}, "itemID must be a whole number, got a string."),
        ({"itemID": False, "quantity": 1}, "itemID must be a whole number, got a boolean."),
        ({"itemID": {"id": 1}, "quantity": 1}, "itemID must be a whole number, got an object."),
        ({}, "itemID is required."),
    ],
)
def test_bad_input_is_a_400_with_a_message_and_writes_nothing(client, api_headers, body, message):
    response = patch(client, api_headers, "ADD", body)

    assert response.status_code == 400
    assert message in error_of(response)["message"]
    assert cart(client, api_headers)["items"] == []


@pytest.mark.parametrize(
    ("query", "data", "message"),
    [
        ("?op=ADD", "{not json", "not valid JSON"),
        ("?op=ADD", "", "Send a JSON object"),
        ("?op=ADD", "[1, 2]", "must be a JSON object"),
        ("?op=ADD", "null", "must be a JSON object"),
        ("?op=ADD", b"\xff\xfe{", "not valid JSON"),
        ("?op=ADD", '{"itemID": 1, "quantity": NaN}', "quantity must be a whole number"),
        ("?op=EMPTY", '{"itemID": 1, "quantity": 1}', "op must be one of ADD, REMOVE, SET"),
        ("", '{"itemID": 1, "quantity": 1}', "Say what to do with ?op="),
        ("?op=SET", '{"itemID": 1, "quantity": -1}', "quantity must be 0 or more"),
        ("?op=REMOVE", '{"itemID": 1, "quantity": 0}', "quantity must be at least 1."),
    ],
)
def test_malformed_requests_are_400s_with_a_message(client, api_headers, query, data, message):
    response = client.patch(
        f"/api/v1/cart{query}", data=data, content_type="application/json", headers=api_headers
    )

    assert response.status_code == 400
    assert message in error_of(response)["message"]
    assert cart(client, api_headers)["items"] == []


def test_shoppers_never_see_or_change_each_others_carts(fake_shop, client):
    ann, bob = fake_shop.api_headers(), fake_shop.api_headers()

    patch(client, ann, "ADD", {"itemID": HEADPHONES, "quantity": 2})
    patch(client, bob, "ADD", {"itemID": PLENTY, "quantity": 7})
    patch(client, bob, "REMOVE", {"itemID": HEADPHONES, "quantity": 2})
    patch(client, bob, "SET", {"itemID": HEADPHONES, "quantity": 0})

    assert [(i["itemID"], i["quantity"]) for i in cart(client, ann)["items"]] == [(HEADPHONES, 2)]
    assert [(i["itemID"], i["quantity"]) for i in cart(client, bob)["items"]] == [(PLENTY, 7)]


json_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    op=st.one_of(st.sampled_from(["ADD", "REMOVE", "SET", "add"]), st.text(max_size=10)),
    body=st.one_of(
        st.fixed_dictionaries({"itemID": json_values, "quantity": json_values}),
        st.dictionaries(st.text(max_size=10), json_values, max_size=3),
        json_values,
    ),
)
def test_any_patch_gets_an_answer_never_a_5xx(client, api_headers, op, body):
    response = client.patch(
        "/api/v1/cart", query_string={"op": op}, data=json.dumps(body),
        content_type="application/json", headers=api_headers,
    )  # fmt: skip

    assert response.status_code in (200, 400, 404, 409), response.get_data(as_text=True)[:300]
    if response.status_code != 200:
        assert error_of(response)["message"]
