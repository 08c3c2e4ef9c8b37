"""Returns through the API on the fake shop (tests/fakes/returns.py): what the web
decides before any workflow runs: who may ask, what a body must hold, which status
each refusal answers (docs/returns.md). The journey itself runs on the real stack
(tests/web/test_returns_stack.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes.returns import FakeReturns, FakeReturnWorkflows

pytestmark = pytest.mark.web

ORDER = "ORDER-FAST-1"
LAMP, MUG = 7, 8


@pytest.fixture
def returns(fake_shop):
    store = FakeReturns()
    workflows = FakeReturnWorkflows(store)
    services = fake_shop.app.extensions["shopflow"]
    services.returns, services.return_workflows = store, workflows
    return store, workflows


def body(item: int = LAMP, quantity: int = 1, reason: str = "Too bright") -> dict:
    return {"lines": [{"itemID": item, "quantity": quantity}], "reason": reason}


def ask(fake_shop, headers, payload, order=ORDER):
    return fake_shop.app.test_client().post(
        f"/api/v1/orders/{order}/returns", json=payload, headers=headers
    )


def test_a_delivered_line_is_authorised_and_its_workflow_started(fake_shop, returns):
    store, workflows = returns
    user = fake_shop.new_user()
    store.deliver(user.id, ORDER, {LAMP: 2}, prices={LAMP: 4_200})

    answer = ask(fake_shop, fake_shop.api_headers(user), body(quantity=2))

    assert answer.status_code == 201, answer.get_json()
    created = answer.get_json()
    assert created["status"] == "AUTHORIZED" and created["refundAmount"] == 8_400
    assert created["refunded"] == 0 and workflows.started == [created["returnID"]]


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"lines": [], "reason": "x"},
        {"lines": [{"itemID": LAMP, "quantity": 0}], "reason": "x"},
        {"lines": [{"itemID": "7", "quantity": 1}], "reason": "x"},
        {
            "lines": [{"itemID": LAMP, "quantity": 1}, {"itemID": LAMP, "quantity": 1}],
            "reason": "x",
        },
        {"lines": [{"itemID": LAMP, "quantity": 1}]},
        {"lines": [{"itemID": LAMP, "quantity": 1}], "reason": "   "},
        {"lines": ["lamp"], "reason": "x"},
    ],
)
def test_a_malformed_request_is_a_400_and_nothing_is_kept(fake_shop, returns, payload):
    store, _ = returns
    user = fake_shop.new_user()
    store.deliver(user.id, ORDER, {LAMP: 2})

    answer = ask(fake_shop, fake_shop.api_headers(user), payload)

    assert answer.status_code == 400 and store.rows == {}


def test_another_shoppers_order_reads_as_missing(fake_shop, returns):
    store, _ = returns
    store.deliver(fake_shop.new_user().id, ORDER, {LAMP: 2})

    answer = ask(fake_shop, fake_shop.api_headers(), body())

    assert answer.status_code == 404 and store.rows == {}


def test_past_30_days_is_a_409_that_says_the_window_closed(fake_shop, returns):
    store, _ = returns
    user = fake_shop.new_user()
    store.deliver(user.id, ORDER, {LAMP: 2}, delivered_at=datetime.now(UTC) - timedelta(days=31))

    answer = ask(fake_shop, fake_shop.api_headers(user), body())

    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "return_window_closed"


def test_more_than_delivered_minus_returned_is_a_409(fake_shop, returns):
    store, _ = returns
    user = fake_shop.new_user()
    store.deliver(user.id, ORDER, {LAMP: 2})
    headers = fake_shop.api_headers(user)
    assert ask(fake_shop, headers, body(quantity=2)).status_code == 201

    again = ask(fake_shop, headers, body(quantity=1))

    assert again.status_code == 409 and again.get_json()["error"]["code"] == "more_than_delivered"


def test_with_temporal_unreachable_the_return_is_not_kept_and_the_answer_is_503(fake_shop, returns):
    store, workflows = returns
    workflows.reachable = False
    user = fake_shop.new_user()
    store.deliver(user.id, ORDER, {LAMP: 2})

    answer = ask(fake_shop, fake_shop.api_headers(user), body())

    assert answer.status_code == 503 and store.rows == {}


def test_the_warehouse_receives_its_return_and_another_warehouse_cannot(fake_shop, returns):
    store, _ = returns
    shopper = fake_shop.new_user()
    store.deliver(shopper.id, ORDER, {LAMP: 2}, warehouse_id=3)
    return_id = ask(fake_shop, fake_shop.api_headers(shopper), body()).get_json()["returnID"]
    operator = fake_shop.api_headers(fake_shop.new_user(role="operator"))
    client = fake_shop.app.test_client()

    assert (
        client.post(
            f"/api/v1/warehouses/4/returns/{return_id}/receive", headers=operator
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/warehouses/x/returns/{return_id}/receive", headers=operator
        ).status_code
        == 404
    )
    by_shopper = client.post(
        f"/api/v1/warehouses/3/returns/{return_id}/receive", headers=fake_shop.api_headers(shopper)
    )
    assert by_shopper.status_code == 403
    received = client.post(f"/api/v1/warehouses/3/returns/{return_id}/receive", headers=operator)
    assert received.status_code == 200 and received.get_json()["status"] == "RECEIVED"

    shown = client.get(
        f"/api/v1/orders/{ORDER}/returns/{return_id}", headers=fake_shop.api_headers(shopper)
    )
    assert shown.status_code == 200 and shown.get_json()["status"] == "RECEIVED"
    hidden = client.get(f"/api/v1/orders/{ORDER}/returns/{return_id}", headers=operator)
    assert hidden.status_code == 404


@pytest.mark.parametrize("order_id", ["a%00b", "x" * 65, "a b"])
def test_an_id_that_cannot_exist_is_a_404_before_anything_is_asked(fake_shop, returns, order_id):
    headers = fake_shop.api_headers()
    client = fake_shop.app.test_client()

    assert ask(fake_shop, headers, body(), order=order_id).status_code == 404
    assert client.get(f"/api/v1/orders/{order_id}/returns/RT-1", headers=headers).status_code == 404
    assert (
        client.get(f"/api/v1/orders/{ORDER}/returns/{order_id}", headers=headers).status_code == 404
    )
