"""`Idempotency-Key` on BEGIN and SUBMIT: the same key and body give the same stored answer
(and one checkout, one order); the same key with another body is a 422."""

from __future__ import annotations

import pytest

from tests.web.checkout_calls import begin, op, pay, run_together, unique_key

pytest_plugins = ["tests.web.checkout_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]


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


def test_a_repeated_submit_with_the_same_key_gives_one_order(
    shop, api_shopper, stock_item, checkout_engine
):
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
    with checkout_engine.connect() as conn:
        orders = conn.exec_driver_sql(
            "SELECT count(*) FROM orders WHERE checkout_id = %s", (checkout["checkoutID"],)
        ).scalar_one()
    assert orders == 1


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


def test_the_same_key_at_the_same_moment_runs_once_and_both_get_the_answer(
    store, api_shopper, stock_item, stock_of
):
    item = stock_item(5)
    shopper = api_shopper({item: 1})
    key = unique_key()

    answers = run_together(
        store, [lambda c: begin(c, shopper, None, **{"Idempotency-Key": key})] * 3
    )

    assert [a.status_code for a in answers] == [201] * 3
    assert len({a.get_data() for a in answers}) == 1
    # One of them ran; the other two waited for its answer and replayed it.
    replayed = [a.headers.get("Idempotent-Replayed") for a in answers]
    assert sorted(replayed, key=str) == [None, "true", "true"]
    assert stock_of(item) == 4


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
