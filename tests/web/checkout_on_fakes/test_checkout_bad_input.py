"""Every bad input to /api/v1/checkout gets a 4xx with a message, and nothing is held,
paid or ordered: malformed JSON, wrong types, missing fields, unknown ops and items,
bad card numbers, past expiry dates.

On checkout's fakes (tests/web/checkout_fast.py): what is checked here is decided by the
web layer before any workflow is asked; tests/fakes/test_checkout_contract.py keeps the
fakes honest.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.checkout_calls import begin, op, payment

pytestmark = pytest.mark.web

UNKNOWN_CHECKOUT = "0" * 32


def message_of(response) -> str:
    body = response.get_json()
    assert body and body["error"]["message"], response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private, no-store"
    return body["error"]["message"]


@pytest.fixture
def shopper(fast):
    """A shopper with one unit of a plentiful item in the cart."""
    return fast.shopper({fast.new_item(1_000): 1})


@pytest.fixture
def checkout(shop, shopper):
    begun = begin(shop, shopper)
    assert begun.status_code == 201, begun.get_json()
    return begun.get_json()


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ("", "op="),
        ("?op=", "op="),
        ("?op=RESERVE", "op must be one of"),
        ("?op=" + "X" * 500, "op"),
    ],
)
def test_an_unknown_or_missing_op_is_a_400(shop, shopper, query, wanted):
    answer = shop.post(f"/api/v1/checkout{query}", json={}, headers=shopper.headers)

    assert answer.status_code == 400
    assert wanted in message_of(answer)


@pytest.mark.parametrize(
    ("body", "wanted"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'"cart"', "JSON object"),
        (b'{"cart": {"itemID": 1}}', "cart must be a list"),
        (b'{"cart": "1x2"}', "cart must be a list"),
        (b'{"cart": []}', "cart is empty"),
        (b'{"cart": [7]}', "cart[0] must be an object"),
        (b'{"cart": [{"quantity": 1}]}', "cart[0].itemID is required"),
        (b'{"cart": [{"itemID": 1}]}', "cart[0].quantity is required"),
        (b'{"cart": [{"itemID": "1", "quantity": 1}]}', "whole number"),
        (b'{"cart": [{"itemID": 1, "quantity": 1.5}]}', "whole number"),
        (b'{"cart": [{"itemID": 1, "quantity": true}]}', "whole number"),
        (b'{"cart": [{"itemID": 1, "quantity": 0}]}', "between 1 and 100"),
        (b'{"cart": [{"itemID": 1, "quantity": -3}]}', "between 1 and 100"),
        (b'{"cart": [{"itemID": 1, "quantity": 101}]}', "between 1 and 100"),
        (b'{"cart": [{"itemID": 0, "quantity": 1}]}', "positive item id"),
        (b'{"cart": [{"itemID": 99999999999999999999999, "quantity": 1}]}', "positive item id"),
        (
            b'{"cart": [{"itemID": 1, "quantity": 60}, {"itemID": 1, "quantity": 60}]}',
            "at most 100",
        ),
    ],
)
def test_a_malformed_begin_body_is_a_400_and_holds_nothing(shop, shopper, fast, body, wanted):
    answer = shop.post(
        "/api/v1/checkout?op=BEGIN",
        data=body,
        content_type="application/json",
        headers=shopper.headers,
    )

    assert answer.status_code == 400
    assert wanted in message_of(answer)
    assert fast.world.checkouts.calls == []  # nothing asked of the workflow, nothing held


def test_an_unknown_item_is_a_422_naming_it(shop, shopper, stock_item, stock_of):
    item = stock_item(5)

    answer = begin(
        shop,
        shopper,
        {"cart": [{"itemID": item, "quantity": 1}, {"itemID": 987654, "quantity": 1}]},
    )

    assert answer.status_code == 422
    assert "987654" in message_of(answer)
    assert answer.get_json()["error"]["itemIDs"] == [987654]
    assert stock_of(item) == 5


def test_beginning_with_an_empty_cart_is_a_422(shop, api_shopper):
    answer = begin(shop, api_shopper())  # a shopper of its own: the shared one has a cart

    assert answer.status_code == 422
    assert "cart is empty" in message_of(answer)


def test_checkout_calls_without_a_token_are_401(shop, checkout):
    calls = [
        shop.post("/api/v1/checkout?op=BEGIN"),
        shop.post("/api/v1/checkout?op=SUBMIT", json={"checkoutID": checkout["checkoutID"]}),
        shop.get(f"/api/v1/checkout/{checkout['checkoutID']}"),
        shop.post(checkout["paymentInputURL"], json=payment()),
        shop.get("/api/v1/orders"),
    ]

    assert [answer.status_code for answer in calls] == [401] * 5
    assert all(answer.headers["Cache-Control"] == "private, no-store" for answer in calls)


@pytest.mark.parametrize("name", ["SUBMIT", "CANCEL"])
@pytest.mark.parametrize(
    ("body", "status", "wanted"),
    [
        (b"", 409, "no open checkout"),  # no id: the shopper's open checkout, and none is
        (b"{}", 409, "no open checkout"),
        (b"{oops", 400, "not valid JSON"),
        (b"[]", 400, "JSON object"),
        (b'{"checkoutID": 42}', 400, "must be a string"),
        (b'{"checkoutID": "../../etc"}', 404, "couldn't find that checkout"),
        (b'{"checkoutID": "' + UNKNOWN_CHECKOUT.encode() + b'"}', 404, "couldn't find"),
    ],
)
def test_submit_and_cancel_need_an_open_checkout_or_an_id_of_this_shopper(
    shop, shopper, name, body, status, wanted
):
    # (CANCEL with an orderID cancels an order instead: tests/web/test_orders_cancel_api.py.)
    answer = shop.post(
        f"/api/v1/checkout?op={name}",
        data=body,
        content_type="application/json",
        headers=shopper.headers,
    )

    assert answer.status_code == status
    assert wanted in message_of(answer)


def test_submit_wants_the_checkout_not_an_order(shop, shopper):
    answer = shop.post(
        "/api/v1/checkout?op=SUBMIT", json={"orderID": "abc"}, headers=shopper.headers
    )

    assert answer.status_code == 400
    assert "orderID is only for CANCEL" in message_of(answer)


@pytest.mark.parametrize(
    ("body", "status", "wanted"),
    [
        (b"{broken", 400, "not valid JSON"),
        (b"[]", 400, "JSON object"),
        (b"{}", 400, "paymentDetails is required"),
        (b'{"paymentDetails": {}}', 400, "shippingAddress is required"),
        (b'{"paymentDetails": "4242", "shippingAddress": {}}', 400, "must be an object"),
        (
            b'{"paymentDetails": {"cardNumber": 4242424242424242, "expiry": "12/34", "cvc": "123", "name": "A"}, "shippingAddress": {}}',
            400,
            "must be a string",
        ),
        (
            b'{"paymentDetails": {"expiry": "12/34", "cvc": "123", "name": "A"}, "shippingAddress": {}}',
            422,
            "card number",
        ),
    ],
)
def test_a_malformed_payment_body_is_a_4xx(shop, shopper, checkout, body, status, wanted):
    answer = shop.post(
        checkout["paymentInputURL"],
        data=body,
        content_type="application/json",
        headers=shopper.headers,
    )

    assert answer.status_code == status
    assert wanted in message_of(answer)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"cardNumber": "4242 4242 4242 4241"}, "invalid_number"),  # fails Luhn
        ({"cardNumber": "1234"}, "invalid_number"),
        ({"cardNumber": "4242-abcd-4242-4242"}, "invalid_number"),
        ({"expiry": "01/20"}, "expired_card"),
        ({"expiry": "13/30"}, "invalid_expiry"),
        ({"expiry": "ab/cd"}, "invalid_expiry"),
        ({"cvc": "12"}, "invalid_cvc"),
        ({"cvc": "abc"}, "invalid_cvc"),
        ({"name": "   "}, "invalid_payment"),
    ],
)
def test_a_card_that_cannot_be_charged_is_a_422_and_nothing_is_charged(
    shop, shopper, checkout, overrides, code
):
    answer = shop.post(
        checkout["paymentInputURL"], json=payment(**overrides), headers=shopper.headers
    )

    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == code
    assert message_of(answer)
    state = shop.get(f"/api/v1/checkout/{checkout['checkoutID']}", headers=shopper.headers)
    assert state.get_json()["status"] == "RESERVED"


@pytest.mark.parametrize("missing", ["name", "line1", "city", "postalCode", "country"])
def test_a_shipping_address_without_a_required_field_is_a_422(shop, shopper, checkout, missing):
    body = payment()
    del body["shippingAddress"][missing]

    answer = shop.post(checkout["paymentInputURL"], json=body, headers=shopper.headers)

    assert answer.status_code == 422
    assert "Shipping address" in message_of(answer)


@pytest.mark.parametrize("field", ["name", "line1", "city"])
def test_control_characters_in_the_address_are_refused_before_anything_is_read(
    shop, shopper, checkout, field
):
    body = payment()
    body["shippingAddress"][field] = "Ada\u0000Shopper"

    answer = shop.post(checkout["paymentInputURL"], json=body, headers=shopper.headers)

    # The body is refused as a whole when it is read (web/input_guard.py), before any field.
    assert answer.status_code == 400
    assert "characters we can't accept" in message_of(answer)


def test_a_checkout_id_that_cannot_exist_is_a_404(shop, shopper):
    for path in ("/api/v1/checkout/not-an-id", f"/api/v1/checkout/{UNKNOWN_CHECKOUT}"):
        assert shop.get(path, headers=shopper.headers).status_code == 404
        answer = shop.post(path + "/payment", json=payment(), headers=shopper.headers)
        assert answer.status_code == 404
        assert "couldn't find" in message_of(answer)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
payment_like = st.fixed_dictionaries(
    {},
    optional={
        "paymentDetails": json_values
        | st.fixed_dictionaries(
            {}, optional={k: json_values for k in ("cardNumber", "expiry", "cvc", "name")}
        ),
        "shippingAddress": json_values,
    },
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=json_values | payment_like)
def test_any_payment_body_gets_a_4xx_never_a_5xx(shop, shopper, body):
    answer = shop.post(
        f"/api/v1/checkout/{UNKNOWN_CHECKOUT}/payment", json=body, headers=shopper.headers
    )

    assert 400 <= answer.status_code < 500
    assert message_of(answer)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.sampled_from(["SUBMIT", "CANCEL", "submit", "BEGIN!"]), body=json_values)
def test_any_submit_or_cancel_body_gets_a_4xx_never_a_5xx(shop, shopper, name, body):
    answer = (
        op(shop, shopper, name, UNKNOWN_CHECKOUT)
        if body is None
        else shop.post(f"/api/v1/checkout?op={name}", json=body, headers=shopper.headers)
    )

    assert 400 <= answer.status_code < 500
    assert message_of(answer)
