"""`Idempotency-Key` on BEGIN and SUBMIT: the same key and body give the same stored answer
(and one checkout, one order); the same key with another body is a 422.

On checkout's fakes and fakeredis (tests/web/checkout_fast.py); the same key sent at the
same moment is a race, on the real stack in test_checkout_concurrency.py."""

from __future__ import annotations

import pytest

from tests.web.checkout_calls import begin, op, pay, unique_key

pytestmark = pytest.mark.web


def test_a_repeated_begin_with_the_same_key_replays_the_same_answer(
    shop, api_shopper, stock_item, stock_of
):
    item = stock_item(5)
    shopper = api_shopper({item: 2})
    key = unique_key()

    first = begin(shop, shopper, None, **{"Idempotency-Key": key})
    again = begin(shop, shopper, None, **{"Idempotency-Key": key})

    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Cache-Control"] == "private, no-store"
    assert stock_of(item) == 3


def test_a_repeated_submit_with_the_same_key_gives_one_order(shop, api_shopper, stock_item, fast):
    shopper = api_shopper({stock_item(5): 1})
    checkout = begin(shop, shopper).get_json()
    assert pay(shop, shopper, checkout).status_code == 200
    key = unique_key()

    first = op(shop, shopper, "SUBMIT", checkout["checkoutID"], **{"Idempotency-Key": key})
    again = op(shop, shopper, "SUBMIT", checkout["checkoutID"], **{"Idempotency-Key": key})

    assert first.status_code == again.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_data() == first.get_data()
    assert fast.world.checkouts.calls.count("submit") == 1  # one order


def test_a_submit_key_reused_for_another_checkout_is_a_422(shop, api_shopper, stock_item):
    shopper = api_shopper({stock_item(5): 1})
    checkout = begin(shop, shopper).get_json()
    assert pay(shop, shopper, checkout).status_code == 200
    key = unique_key()

    first = op(shop, shopper, "SUBMIT", checkout["checkoutID"], **{"Idempotency-Key": key})
    other = op(shop, shopper, "SUBMIT", checkout["checkoutID"] + "-x", **{"Idempotency-Key": key})

    assert first.status_code == 201
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"


def test_the_same_key_with_another_body_is_a_422(shop, api_shopper, stock_item):
    item = stock_item(5)
    shopper = api_shopper()
    key = unique_key()
    first = begin(
        shop, shopper, {"cart": [{"itemID": item, "quantity": 1}]}, **{"Idempotency-Key": key}
    )

    other = begin(
        shop, shopper, {"cart": [{"itemID": item, "quantity": 2}]}, **{"Idempotency-Key": key}
    )

    assert first.status_code == 201
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert "different request body" in other.get_json()["error"]["message"]


def test_a_key_is_the_shoppers_own_and_per_operation(shop, api_shopper, stock_item):
    key = unique_key()
    alice, bob = api_shopper({stock_item(5): 1}), api_shopper({stock_item(5): 1})

    alices = begin(shop, alice, None, **{"Idempotency-Key": key})
    bobs = begin(shop, bob, None, **{"Idempotency-Key": key})
    submit = op(shop, alice, "SUBMIT", alices.get_json()["checkoutID"], **{"Idempotency-Key": key})

    assert alices.status_code == bobs.status_code == 201
    assert alices.get_json()["checkoutID"] != bobs.get_json()["checkoutID"]
    assert submit.status_code == 409  # not paid yet: SUBMIT ran, it did not replay BEGIN


def test_a_malformed_request_does_not_use_up_its_key(shop, api_shopper, stock_item, stock_of):
    item = stock_item(5)
    shopper = api_shopper({item: 1})
    key = unique_key()

    bad = shop.post(
        "/api/v1/checkout?op=BEGIN",
        data=b"{oops",
        content_type="application/json",
        headers={**shopper.headers, "Idempotency-Key": key},
    )
    corrected = begin(shop, shopper, None, **{"Idempotency-Key": key})

    assert bad.status_code == 400
    # Had the 400 been stored, the corrected body would be a 422 (another body) or a replay.
    assert corrected.status_code == 201, corrected.get_json()
    assert "Idempotent-Replayed" not in corrected.headers
    assert stock_of(item) == 4


@pytest.mark.parametrize("key", ["", " ", "x" * 256])
def test_an_unusable_key_is_a_400(shop, api_shopper, key):
    answer = begin(shop, api_shopper(), None, **{"Idempotency-Key": key})

    assert answer.status_code == 400
    assert "Idempotency-Key" in answer.get_json()["error"]["message"]
