"""A return on the real stack (docs/returns.md): an order placed through the API, shipped
and delivered through the warehouse API, one line returned, received by the warehouse,
refunded once through the gateway, its units back on that warehouse's shelves, two
emails in the Maildir, invariants I1-I3 holding; and the refusals a shopper meets."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import text

from tests.waiting import wait_until
from tests.web.shoppers import PASSWORD, bearer, new_email

pytest_plugins = ["tests.web.checkout_fixtures", "tests.web.order_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

SEATTLE = 1
WAREHOUSES = "/api/v1/warehouses"


@pytest.fixture
def operator(shop, checkout_engine) -> dict[str, str]:
    from db.postgres.engine import make_session_factory
    from web.auth.accounts import register

    email = new_email("operator")
    register(make_session_factory(checkout_engine), email=email, password=PASSWORD, role="operator")
    issued = shop.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert issued.status_code == 200, issued.get_json()
    return bearer(issued.get_json()["token"])


def shopflow_mail(settings, *args: str) -> str:
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
    listed = json.loads(shopflow_mail(settings, "list", "--json"))
    return [m for m in listed if m["to"] == email]


def shelf(engine, item_id: int, warehouse_id: int = SEATTLE) -> tuple[int, int, int]:
    """(physical, available, aggregated) of the item at the warehouse."""
    with engine.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT w.physical_stock, w.available_stock, a.stock FROM warehouse_stock w "
                    "JOIN aggregated_stock a ON a.item_id = w.item_id "
                    "WHERE w.item_id = :i AND w.warehouse_id = :w"
                ),
                {"i": item_id, "w": warehouse_id},
            ).one()
        )


def return_body(item_id: int, quantity: int) -> dict:
    return {"lines": [{"itemID": item_id, "quantity": quantity}], "reason": "Too bright"}


def test_a_delivered_line_returned_and_received_is_refunded_once_and_restocked(
    shop,
    api_shopper,
    item_in,
    fulfilment,
    operator,
    portland,
    checkout_settings,
    checkout_engine,
    assert_checkout_invariants,
):
    lamp = item_in(SEATTLE, 5, price=4_200, name="Desk Lamp")
    shopper = api_shopper({lamp: 2})
    order_id = fulfilment.place(shop, shopper)
    parcel = fulfilment.wait_for_parcels(shop, shopper, order_id, count=1)["suborders"][0]
    returns = f"/api/v1/orders/{order_id}/returns"

    shipped = shop.post(
        f"{WAREHOUSES}/{SEATTLE}/suborders/{parcel['suborderID']}/ship", headers=operator
    )
    assert shipped.status_code == 200, shipped.get_json()
    early = shop.post(returns, json=return_body(lamp, 1), headers=shopper.headers)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_delivered_yet"
    delivered = shop.post(
        f"{WAREHOUSES}/{SEATTLE}/suborders/{parcel['suborderID']}/deliver", headers=operator
    )
    assert delivered.status_code == 200, delivered.get_json()
    before = shelf(checkout_engine, lamp)

    too_many = shop.post(returns, json=return_body(lamp, 3), headers=shopper.headers)
    assert too_many.status_code == 409, too_many.get_json()
    assert too_many.get_json()["error"]["code"] == "more_than_delivered"
    stranger = api_shopper()
    foreign = shop.post(returns, json=return_body(lamp, 1), headers=stranger.headers)
    assert foreign.status_code == 404

    created = shop.post(returns, json=return_body(lamp, 1), headers=shopper.headers)
    assert created.status_code == 201, created.get_json()
    authorised = created.get_json()
    return_id = authorised["returnID"]
    assert authorised["status"] == "AUTHORIZED" and authorised["refundAmount"] == 4_200
    assert [r["returnID"] for r in authorised["returns"]] == [return_id]

    elsewhere = shop.post(f"{WAREHOUSES}/{portland}/returns/{return_id}/receive", headers=operator)
    assert elsewhere.status_code == 404
    received = shop.post(f"{WAREHOUSES}/{SEATTLE}/returns/{return_id}/receive", headers=operator)
    assert received.status_code == 200, received.get_json()
    assert received.get_json()["status"] in ("RECEIVED", "REFUNDED")

    def refunded() -> dict | None:
        answer = shop.get(f"{returns}/{return_id}", headers=shopper.headers).get_json()
        return answer if answer["status"] == "REFUNDED" else None

    final = wait_until(refunded, what="the return to be refunded")
    assert final["refunded"] == 4_200 and final["lines"][0]["quantity"] == 1
    physical, available, aggregated = before
    assert shelf(checkout_engine, lamp) == (physical + 1, available + 1, aggregated + 1)
    with checkout_engine.connect() as conn:
        refunds = conn.execute(
            text(
                "SELECT idempotency_key, amount FROM payment_refunds WHERE idempotency_key LIKE :k"
            ),
            {"k": f"%{return_id}"},
        ).all()
    assert [tuple(r) for r in refunds] == [(f"refund-return-{return_id}", 4_200)]

    def two_return_mails() -> list | None:
        found = [m for m in mails_to(checkout_settings, shopper.email) if "return" in m["subject"]]
        return found if len(found) >= 2 else None

    mails = wait_until(two_return_mails, what="the return emails")
    shown = {m["subject"]: shopflow_mail(checkout_settings, "show", m["id"]) for m in mails}
    subjects = sorted(shown)
    authorised_mail, refunded_mail = shown[subjects[0]], shown[subjects[1]]
    assert f"Return number {return_id}" in authorised_mail and "Desk Lamp x1" in authorised_mail
    assert "$42.00 was refunded to your Visa ending 4242" in refunded_mail
    assert subjects == [
        f"Your return for order {order_id[:8]} is authorised",
        f"Your return for order {order_id[:8]} is refunded",
    ]
    events = [e["event"] for e in fulfilment.detail(shop, shopper, order_id)["timeline"]]
    assert [e.split(":")[0] for e in events if e.startswith("return")] == [
        "return-authorized",
        "return-received",
        "return-refunded",
    ]
    assert_checkout_invariants()

    # The rest of the order, 31 days after its delivery: the window has closed.
    with checkout_engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE warehouse_orders SET delivered_at = now() - interval '31 days' "
                "WHERE id = :s"
            ),
            {"s": parcel["suborderID"]},
        )
    late = shop.post(returns, json=return_body(lamp, 1), headers=shopper.headers)
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "return_window_closed"
    assert "30-day" in late.get_json()["error"]["message"]


def test_an_operator_refunds_a_line_then_the_rest_and_never_more(
    shop, api_shopper, item_in, fulfilment, operator, checkout_engine, assert_checkout_invariants
):
    lamp = item_in(SEATTLE, 5, price=4_200, name="Desk Lamp")
    mug = item_in(SEATTLE, 5, price=900, name="Blue Mug")
    shopper = api_shopper({lamp: 2, mug: 1})
    order_id = fulfilment.place(shop, shopper)
    refunds = f"/api/v1/staff/orders/{order_id}/refunds"
    one_lamp = {"lines": [{"itemID": lamp, "quantity": 1}], "reason": "Scratched on arrival"}

    def refund(body: dict, key: str, headers: dict = operator):
        return shop.post(refunds, json=body, headers={**headers, "Idempotency-Key": key})

    first = refund(one_lamp, "k-1")
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["amount"] == 4_200
    again = refund(one_lamp, "k-1")
    assert again.status_code == 201 and again.get_json() == first.get_json()
    assert refund({**one_lamp, "reason": "Other"}, "k-1").status_code == 422
    assert refund(one_lamp, "k-2", shopper.headers).status_code == 403
    too_many = refund({"lines": [{"itemID": mug, "quantity": 2}], "reason": "x"}, "k-3")
    assert too_many.status_code == 409 and too_many.get_json()["error"]["code"] == "refund_too_much"

    rest = refund({"reason": "Goodwill"}, "k-4")
    assert rest.status_code == 201 and rest.get_json()["amount"] == 4_200 + 900
    nothing_left = refund({"reason": "Goodwill"}, "k-5")
    assert nothing_left.status_code == 409

    with checkout_engine.connect() as conn:
        ledger = (
            conn.execute(
                text(
                    "SELECT r.amount FROM payment_refunds r JOIN orders o "
                    "ON o.payment_reference = r.charge_id WHERE o.id = :o ORDER BY r.created_at"
                ),
                {"o": order_id},
            )
            .scalars()
            .all()
        )
    assert ledger == [4_200, 5_100]
    events = [e["event"] for e in fulfilment.detail(shop, shopper, order_id)["timeline"]]
    assert sum(e.startswith("refunded-by-staff") for e in events) == 2
    assert_checkout_invariants()


def test_a_return_of_two_parcels_is_one_return_per_warehouse_each_received_there(
    shop,
    api_shopper,
    item_in,
    fulfilment,
    operator,
    portland,
    checkout_engine,
    assert_checkout_invariants,
):
    lamp = item_in(SEATTLE, 3, price=4_200, name="Desk Lamp")
    mug = item_in(portland, 3, price=900, name="Blue Mug")
    shopper = api_shopper({lamp: 1, mug: 1})
    order_id = fulfilment.place(shop, shopper)
    parcels = fulfilment.wait_for_parcels(shop, shopper, order_id, count=2)["suborders"]
    for parcel in parcels:
        base = f"{WAREHOUSES}/{parcel['warehouse']['id']}/suborders/{parcel['suborderID']}"
        for action in ("ship", "deliver"):
            assert shop.post(f"{base}/{action}", headers=operator).status_code == 200
    before = {lamp: shelf(checkout_engine, lamp), mug: shelf(checkout_engine, mug, portland)}

    created = shop.post(
        f"/api/v1/orders/{order_id}/returns",
        json={
            "lines": [{"itemID": lamp, "quantity": 1}, {"itemID": mug, "quantity": 1}],
            "reason": "Not what I expected",
        },
        headers=shopper.headers,
    )

    assert created.status_code == 201, created.get_json()
    returns = {r["warehouseID"]: r for r in created.get_json()["returns"]}
    assert sorted(returns) == sorted([SEATTLE, portland])
    assert returns[SEATTLE]["refundAmount"] == 4_200 and returns[portland]["refundAmount"] == 900
    seattle_id, portland_id = returns[SEATTLE]["returnID"], returns[portland]["returnID"]
    wrong = shop.post(f"{WAREHOUSES}/{SEATTLE}/returns/{portland_id}/receive", headers=operator)
    assert wrong.status_code == 404
    for warehouse, return_id in ((SEATTLE, seattle_id), (portland, portland_id)):
        received = shop.post(
            f"{WAREHOUSES}/{warehouse}/returns/{return_id}/receive", headers=operator
        )
        assert received.status_code == 200, received.get_json()

    def both_refunded() -> bool:
        statuses = [
            shop.get(f"/api/v1/orders/{order_id}/returns/{r}", headers=shopper.headers).get_json()[
                "status"
            ]
            for r in (seattle_id, portland_id)
        ]
        return statuses == ["REFUNDED", "REFUNDED"]

    wait_until(both_refunded, what="both returns to be refunded")
    for item, warehouse in ((lamp, SEATTLE), (mug, portland)):
        physical, available, aggregated = before[item]
        assert shelf(checkout_engine, item, warehouse) == (
            physical + 1,
            available + 1,
            aggregated + 1,
        )
    assert_checkout_invariants()
