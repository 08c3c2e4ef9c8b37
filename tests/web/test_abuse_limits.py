"""Abuse limits (web/limits.py, Flask-Limiter on Redis): payments, BEGIN, units held
(sign-in and registration: tests/web/test_auth_limits.py, on fakes). Each test lowers one limit; the test settings keep them out of the way
of every other test."""

from __future__ import annotations

import pytest

from stack.ports import free_port
from tests.web.checkout_calls import DECLINED, begin, payment, register_api_shopper

pytest_plugins = ["tests.web.checkout_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

INSUFFICIENT_FUNDS = "4000 0000 0000 9995"


def from_ip(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def unique_ip() -> str:
    port = free_port()  # any number nobody else uses this session
    return f"10.{port // 65536 % 256}.{port // 256 % 256}.{port % 256}"


def token_attempt(client, email: str, password: str, ip: str):
    return client.post(
        "/api/v1/auth/token", json={"email": email, "password": password}, **from_ip(ip)
    )


def test_the_sixth_payment_attempt_on_one_checkout_gets_a_429(
    make_store, stock_item, checkout_worker
):
    shop = make_store(payment_limit_per_checkout="5 per hour").test_client()
    shopper = register_api_shopper(shop, {stock_item(3): 1})
    checkout = begin(shop, shopper).get_json()

    attempts = [
        shop.post(checkout["paymentInputURL"], json=payment(DECLINED), headers=shopper.headers)
        for _ in range(6)
    ]

    assert [a.status_code for a in attempts] == [402] * 5 + [429]
    assert attempts[-1].get_json()["error"]["code"] == "too_many_payment_attempts"
    shop.post("/api/v1/checkout?op=CANCEL", json={}, headers=shopper.headers)


def test_a_decline_never_tells_the_shopper_why_but_the_ledger_knows(
    shop, api_shopper, stock_item, checkout_engine, checkout_worker
):
    shopper = api_shopper({stock_item(3): 1})
    checkout = begin(shop, shopper).get_json()

    declined = shop.post(
        checkout["paymentInputURL"], json=payment(INSUFFICIENT_FUNDS), headers=shopper.headers
    )

    error = declined.get_json()["error"]
    assert declined.status_code == 402 and error["code"] == "card_declined"
    assert "funds" not in str(declined.get_json()) and "reason" not in error
    with checkout_engine.connect() as conn:
        codes = conn.exec_driver_sql(
            "SELECT decline_code FROM payment_charges WHERE reference = %s",
            (checkout["checkoutID"],),
        ).scalars()
        assert list(codes) == ["insufficient_funds"]
    shop.post("/api/v1/checkout?op=CANCEL", json={}, headers=shopper.headers)


def test_beginning_checkout_again_and_again_gets_a_429(make_store, stock_item, checkout_worker):
    shop = make_store(begin_limit_per_user="2 per minute").test_client()
    shopper = register_api_shopper(shop, {stock_item(5): 1})

    answers = []
    for _ in range(3):
        answers.append(begin(shop, shopper))
        shop.post("/api/v1/checkout?op=CANCEL", json={}, headers=shopper.headers)

    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[-1].get_json()["error"]["code"] == "too_many_checkouts"


def test_one_shopper_cannot_hold_more_than_the_cap_of_one_item(
    make_store, stock_item, checkout_worker, stock_of
):
    shop = make_store(max_held_units_per_item=3).test_client()
    item = stock_item(20)
    shopper = register_api_shopper(shop, {item: 3})
    # The cart keeps to the same limit per line (domain/cart_rules.py) ...
    one_more = shop.patch(
        "/api/v1/cart?op=ADD", json={"itemID": item, "quantity": 1}, headers=shopper.headers
    )
    # ... so only a BEGIN naming its own cart can ask checkout for more.
    refused = begin(shop, shopper, {"cart": [{"itemID": item, "quantity": 4}]})

    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "too_many_units"
    assert one_more.status_code == 409
    assert one_more.get_json()["error"]["message"] == refused.get_json()["error"]["message"]
    assert stock_of(item) == 20  # nothing held
