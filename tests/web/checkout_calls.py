"""What the checkout and orders tests do over HTTP: begin, pay, submit, cancel, wait.

Fixtures live in tests/web/checkout_fixtures.py; this module is plain helpers.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from tests.web.shoppers import PASSWORD, bearer, new_email

APPROVED = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"
ADDRESS = {
    "name": "Ada Shopper",
    "line1": "1 Main St",
    "city": "Seattle",
    "postalCode": "98101",
    "country": "US",
}


@dataclass
class ApiShopper:
    email: str
    headers: dict[str, str]
    user_id: int


def payment(number: str = APPROVED, **overrides) -> dict:
    details = {"cardNumber": number, "expiry": "12/34", "cvc": "123", "name": "Ada Shopper"}
    return {"paymentDetails": {**details, **overrides}, "shippingAddress": dict(ADDRESS)}


def begin(client: FlaskClient, shopper: ApiShopper, body: dict | None = None, **headers):
    return client.post(
        "/api/v1/checkout?op=BEGIN",
        json=body,
        headers={**shopper.headers, **headers},
    )


def op(client: FlaskClient, shopper: ApiShopper, name: str, checkout_id: str, **headers):
    return client.post(
        f"/api/v1/checkout?op={name}",
        json={"checkoutID": checkout_id},
        headers={**shopper.headers, **headers},
    )


def pay(client: FlaskClient, shopper: ApiShopper, checkout: dict, number: str = APPROVED):
    return client.post(checkout["paymentInputURL"], json=payment(number), headers=shopper.headers)


def place_order(client: FlaskClient, shopper: ApiShopper) -> dict:
    """BEGIN with the shopper's cart, pay with the approved card, SUBMIT: the order's answer."""
    begun = begin(client, shopper)
    assert begun.status_code == 201, begun.get_json()
    checkout = begun.get_json()
    paid = pay(client, shopper, checkout)
    assert paid.status_code == 200, paid.get_json()
    submitted = op(client, shopper, "SUBMIT", checkout["checkoutID"])
    assert submitted.status_code == 201, submitted.get_json()
    return submitted.get_json()


def unique_key() -> str:
    return uuid.uuid4().hex


def run_together(app: Flask, calls: list) -> list:
    """Run each call(client) on its own thread, all released at once; answers in order."""
    barrier = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def worker(index: int, call) -> None:
        client = app.test_client()
        barrier.wait()
        answers[index] = call(client)

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return answers


def wait_for_status(
    client: FlaskClient, shopper: ApiShopper, checkout_id: str, status: str, *, seconds: float
) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        state = client.get(f"/api/v1/checkout/{checkout_id}", headers=shopper.headers).get_json()
        if state["status"] == status or time.monotonic() > deadline:
            return state
        time.sleep(0.2)


def register_api_shopper(client: FlaskClient, cart: dict[int, int] | None = None) -> ApiShopper:
    email = new_email("checkout")
    registered = client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
    assert registered.status_code == 201, registered.get_json()
    issued = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert issued.status_code == 200, issued.get_json()
    shopper = ApiShopper(email, bearer(issued.get_json()["token"]), registered.get_json()["userID"])
    for item_id, quantity in (cart or {}).items():
        added = client.patch(
            "/api/v1/cart?op=ADD",
            json={"itemID": item_id, "quantity": quantity},
            headers=shopper.headers,
        )
        assert added.status_code == 200, added.get_json()
    return shopper
