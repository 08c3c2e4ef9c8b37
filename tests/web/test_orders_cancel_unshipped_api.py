"""Cancelling the parcels that have not shipped, on the real stack: a two-parcel order
(Seattle and Portland) whose Seattle parcel a warehouse operator ships through the
warehouse API; `POST /api/v1/orders/{orderID}/cancel-unshipped` then cancels the
Portland parcel, gives its stock back and refunds only its line through the gateway,
while the Seattle parcel is still delivered. I1-I3 hold after every step. The answers
decided from the order row run on the fakes (test_orders_cancel_unshipped_outcomes.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest
from sqlalchemy import text

from tests.waiting import wait_until
from tests.web.shoppers import PASSWORD, bearer, new_email

pytest_plugins = ["tests.web.checkout_fixtures", "tests.web.order_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

SEATTLE = 1  # the warehouse tests/web/checkout_fixtures.py creates


@pytest.fixture(scope="module")
def operator(module_store, checkout_engine) -> dict[str, str]:
    """Bearer headers of a warehouse operator (every warehouse) on the checkout database."""
    from db.postgres.engine import make_session_factory
    from web.auth.accounts import register

    email = new_email("operator")
    register(make_session_factory(checkout_engine), email=email, password=PASSWORD, role="operator")
    issued = module_store.test_client().post(
        "/api/v1/auth/token", json={"email": email, "password": PASSWORD}
    )
    assert issued.status_code == 200, issued.get_json()
    return bearer(issued.get_json()["token"])


@pytest.fixture
def split_order(shop, api_shopper, item_in, portland, fulfilment, checkout_engine):
    """Three lamps from Seattle, two mugs from Portland, and two kettles, one from each
    (the only kettles there are): the kettle line is split over both parcels."""
    lamp = item_in(SEATTLE, 10, price=4_200, name="Desk Lamp")
    mug = item_in(portland, 4, price=900, name="Blue Mug")
    kettle = item_in(SEATTLE, 2, price=2_000, name="Kettle")
    with checkout_engine.begin() as conn:  # one of the two moves to Portland (I1 holds)
        conn.execute(
            text(
                "UPDATE warehouse_stock SET physical_stock = 1, available_stock = 1 "
                "WHERE item_id = :i"
            ),
            {"i": kettle},
        )
        conn.execute(
            text(
                "INSERT INTO warehouse_stock (item_id, warehouse_id, physical_stock, "
                "available_stock) VALUES (:i, :w, 1, 1)"
            ),
            {"i": kettle, "w": portland},
        )
    shopper = api_shopper({lamp: 3, mug: 2, kettle: 2})
    order_id = fulfilment.place(shop, shopper)
    detail = fulfilment.wait_for_parcels(shop, shopper, order_id, count=2)
    parcels = {s["warehouse"]["name"]: s["suborderID"] for s in detail["suborders"]}
    return shopper, order_id, parcels, lamp, mug, kettle


def warehouse_post(client, operator, warehouse_id: int, suborder_id: str, what: str):
    answer = client.post(
        f"/api/v1/warehouses/{warehouse_id}/suborders/{suborder_id}/{what}", headers=operator
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def order_knows_shipped(checkout_worker, order_id: str, suborder_id: str) -> bool:
    """The order's workflow has heard from the parcel (it reports right after the row)."""
    from workflows.order import OrderWorkflow
    from workflows.order_messages import order_workflow_id

    handle = checkout_worker.client.get_workflow_handle(order_workflow_id(order_id))
    state = checkout_worker.run(handle.query(OrderWorkflow.state))
    return {s.suborder_id: s.status for s in state.suborders}.get(suborder_id) == "SHIPPED"


def shelf(engine, item_id: int) -> dict[int, tuple[int, int]]:
    """{warehouse: (physical, available)} of the item."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT warehouse_id, physical_stock, available_stock FROM warehouse_stock "
                "WHERE item_id = :i"
            ),
            {"i": item_id},
        )
        return {row.warehouse_id: (row.physical_stock, row.available_stock) for row in rows}


def refunds(engine, order_id: str) -> list[tuple[str, int]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT r.idempotency_key, r.amount FROM payment_refunds r "
                "JOIN orders o ON o.payment_reference = r.charge_id WHERE o.id = :o"
            ),
            {"o": order_id},
        )
        return [tuple(row) for row in rows]


def test_with_one_parcel_shipped_the_other_is_cancelled_and_only_its_lines_are_refunded(
    shop,
    split_order,
    operator,
    fulfilment,
    portland,
    checkout_worker,
    checkout_engine,
    checkout_settings,
    stock_of,
    assert_checkout_invariants,
):
    shopper, order_id, parcels, lamp, mug, kettle = split_order
    shipped = warehouse_post(shop, operator, SEATTLE, parcels["Seattle"], "ship")
    assert shipped["status"] == "SHIPPED"
    wait_until(
        lambda: order_knows_shipped(checkout_worker, order_id, parcels["Seattle"]),
        what="the order's workflow to hear the Seattle parcel shipped",
    )
    assert_checkout_invariants()

    whole = shop.post(
        "/api/v1/checkout?op=CANCEL", json={"orderID": order_id}, headers=shopper.headers
    )
    assert whole.status_code == 409
    error = whole.get_json()["error"]
    assert error["code"] == "already_shipped"
    assert "cancel the parcels that have not shipped" in error["message"]
    assert error["cancelUnshipped"] == f"/api/v1/orders/{order_id}/cancel-unshipped"

    answer = shop.post(f"/api/v1/orders/{order_id}/cancel-unshipped", headers=shopper.headers)

    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["cancelledSuborders"] == [parcels["Portland"]]
    assert body["refund"] == 2 * 900 + 2_000  # the mugs and one kettle: Portland's lines
    assert body["status"] == "PARTLY_CANCELLED"
    assert body["order"]["cancelled"] == [
        {"itemID": mug, "name": "Blue Mug", "quantity": 2},
        {"itemID": kettle, "name": "Kettle", "quantity": 1},
    ]
    by_id = {s["suborderID"]: s["status"] for s in body["order"]["suborders"]}
    assert by_id == {parcels["Seattle"]: "SHIPPED", parcels["Portland"]: "CANCELLED"}
    assert refunds(checkout_engine, order_id) == [(f"refund-{order_id}-unshipped", 3_800)]
    assert stock_of(mug) == 4 and shelf(checkout_engine, mug) == {portland: (4, 4)}
    assert stock_of(kettle) == 1  # Portland's kettle is for sale again; Seattle's shipped
    assert shelf(checkout_engine, kettle) == {SEATTLE: (0, 0), portland: (1, 1)}
    assert stock_of(lamp) == 7  # the lamps are on their way
    assert_checkout_invariants()

    again = shop.post(f"/api/v1/orders/{order_id}/cancel-unshipped", headers=shopper.headers)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "nothing_unshipped"

    warehouse_post(shop, operator, SEATTLE, parcels["Seattle"], "deliver")
    fulfilment.wait_until(
        lambda: fulfilment.detail(shop, shopper, order_id)["status"] == "DELIVERED",
        what="the order DELIVERED once the shipped parcel arrived",
    )
    events = [entry["event"] for entry in fulfilment.detail(shop, shopper, order_id)["timeline"]]
    assert events.index("partly cancelled") < events.index("partly refunded")
    assert events[-1] == "delivered"
    assert refunds(checkout_engine, order_id) == [(f"refund-{order_id}-unshipped", 3_800)]
    assert_checkout_invariants()

    def parcels_cancelled_mail():
        return [m for m in mails_to(checkout_settings, shopper.email) if "Part of" in m["subject"]]

    (mail,) = wait_until(parcels_cancelled_mail, what="the parcels-cancelled email")
    shown = shopflow_mail(checkout_settings, "show", mail["id"])
    assert "$38.00 was refunded to your Visa ending 4242" in shown
    assert "Blue Mug x2" in shown and "Kettle x1" in shown and "Desk Lamp" not in shown

    def delivered_mail():
        return [
            m for m in mails_to(checkout_settings, shopper.email) if "delivered" in m["subject"]
        ]

    (mail,) = wait_until(delivered_mail, what="the delivered email")
    delivered = shopflow_mail(checkout_settings, "show", mail["id"])
    assert "Desk Lamp x3" in delivered and "Kettle x1" in delivered  # what still shipped
    assert "Blue Mug" not in delivered


def shopflow_mail(settings, *args: str) -> str:
    """`shopflow mail ...` against the session's Maildir (docs/email.md)."""
    env = {**os.environ, "SHOPFLOW_VAR_DIR": str(settings.var_dir), "SHOPFLOW_ENV": "dev"}
    done = subprocess.run(
        [sys.executable, "-m", "entrypoints", "mail", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def mails_to(settings, email: str) -> list[dict]:
    return [m for m in json.loads(shopflow_mail(settings, "list", "--json")) if m["to"] == email]


def test_suborder_workflows_are_listed_by_their_order_id(
    shop, split_order, checkout_worker, fulfilment
):
    shopper, order_id, parcels, *_ = split_order

    async def listed() -> set[str]:
        query = f"OrderId = '{order_id}' AND WorkflowType = 'SuborderWorkflow'"
        return {w.id async for w in checkout_worker.client.list_workflows(query)}

    found = wait_until(
        lambda: checkout_worker.run(listed()) or None,
        what=f"suborder workflows with OrderId {order_id}",
    )

    assert found == {f"suborder-{suborder_id}" for suborder_id in parcels.values()}


def test_the_parcels_of_an_order_nothing_of_which_shipped_are_not_cancelled_apart(
    shop, split_order, stock_of
):
    shopper, order_id, _, lamp, mug, kettle = split_order

    answer = shop.post(f"/api/v1/orders/{order_id}/cancel-unshipped", headers=shopper.headers)

    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "nothing_shipped"
    assert (stock_of(lamp), stock_of(mug), stock_of(kettle)) == (7, 2, 0)


# The race between the warehouse shipping the Portland parcel and the shopper cancelling
# it is decided by that parcel's workflow: each side gets there first once, in a known
# order and without sleeps (as test_orders_cancel_api.py does for the whole cancel).
def ship_seattle(shop, operator, checkout_worker, order_id: str, parcels: dict) -> None:
    warehouse_post(shop, operator, SEATTLE, parcels["Seattle"], "ship")
    wait_until(
        lambda: order_knows_shipped(checkout_worker, order_id, parcels["Seattle"]),
        what="the order's workflow to hear the Seattle parcel shipped",
    )


def test_a_shipment_that_reaches_the_last_parcel_first_wins_and_nothing_is_refunded(
    shop,
    split_order,
    operator,
    fulfilment,
    checkout_worker,
    checkout_engine,
    stock_of,
    assert_checkout_invariants,
):
    shopper, order_id, parcels, lamp, mug, kettle = split_order
    ship_seattle(shop, operator, checkout_worker, order_id, parcels)

    shipped = fulfilment.start_shipping(parcels["Portland"])
    answer = shop.post(f"/api/v1/orders/{order_id}/cancel-unshipped", headers=shopper.headers)

    assert shipped() == "SHIPPED"
    assert answer.status_code == 409, answer.get_json()
    assert answer.get_json()["error"]["code"] == "nothing_unshipped"
    fulfilment.wait_until(
        lambda: fulfilment.detail(shop, shopper, order_id)["status"] == "SHIPPED",
        what="the order SHIPPED in full",
    )
    assert refunds(checkout_engine, order_id) == []
    assert (stock_of(lamp), stock_of(mug), stock_of(kettle)) == (7, 2, 0)
    assert_checkout_invariants()


def test_a_cancel_that_reaches_the_last_parcel_first_wins_and_its_shipment_is_stopped(
    shop,
    split_order,
    operator,
    fulfilment,
    checkout_worker,
    checkout_engine,
    stock_of,
    assert_checkout_invariants,
):
    shopper, order_id, parcels, lamp, mug, kettle = split_order
    ship_seattle(shop, operator, checkout_worker, order_id, parcels)
    answers: list = []

    cancelling = threading.Thread(
        target=lambda: answers.append(
            shop.post(f"/api/v1/orders/{order_id}/cancel-unshipped", headers=shopper.headers)
        )
    )
    cancelling.start()
    fulfilment.wait_until(
        lambda: fulfilment.received_cancel(parcels["Portland"]),
        what="the partial cancel to reach the Portland parcel",
    )
    shipped: dict = {}
    try:
        shipped["status"] = fulfilment.ship(parcels["Portland"])
    except Exception as error:  # noqa: BLE001 - a closed parcel workflow is a lost race too
        shipped["error"] = error
    cancelling.join(60)
    assert not cancelling.is_alive(), "the partial cancel never answered"

    assert answers[0].status_code == 200, answers[0].get_json()
    assert ship_lost_to_the_cancel(shipped), shipped
    assert answers[0].get_json()["cancelledSuborders"] == [parcels["Portland"]]
    assert refunds(checkout_engine, order_id) == [(f"refund-{order_id}-unshipped", 3_800)]
    assert (stock_of(lamp), stock_of(mug), stock_of(kettle)) == (7, 4, 1)
    assert_checkout_invariants()


def ship_lost_to_the_cancel(shipped: dict) -> bool:
    """The portal's ship after a winning cancel: answered CANCELLED, or the parcel's
    workflow had already closed (the only error a lost race may give)."""
    from temporalio.service import RPCError, RPCStatusCode

    if "status" in shipped:
        return shipped["status"] == "CANCELLED"
    error = shipped.get("error")
    return isinstance(error, RPCError) and error.status is RPCStatusCode.NOT_FOUND
