"""The order desk on the real stack: an operator (made with `shopflow users create
--role operator`) finds a shopper's order by email and cancels it through the order's
workflow; the stock comes back, the payment is refunded, the timeline says why, and
I1-I3 hold. Every rule and bad input: test_staff_orders.py (fakes)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.web.shoppers import PASSWORD, new_email
from tests.web.test_orders_cancel_api import refunds
from web.auth.cli import users_group

pytest_plugins = ["tests.web.checkout_fixtures", "tests.web.order_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

SEATTLE = 1  # the warehouse tests/web/checkout_fixtures.py creates
API = "/api/v1/staff/orders"


@pytest.fixture
def operator(shop, checkout_settings) -> dict[str, str]:
    """An operator account made as the docs say (docs/staff.md), signed in to the API."""
    email = new_email("operator")
    made = CliRunner().invoke(
        users_group,
        ["create", "--email", email, "--password", PASSWORD, "--role", "operator"],
        env=checkout_settings.service_env(),
    )
    assert made.exit_code == 0, made.output
    issued = shop.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert issued.status_code == 200, issued.get_json()
    return {"Authorization": f"Bearer {issued.get_json()['token']}"}


def test_an_operator_finds_a_shoppers_order_by_email_and_cancels_it_with_a_reason(
    shop, operator, api_shopper, item_in, portland, fulfilment, stock_of, checkout_engine,
    assert_checkout_invariants,
):  # fmt: skip
    lamp = item_in(SEATTLE, 10, price=4_200, name="Desk Lamp")
    mug = item_in(portland, 4, price=900, name="Blue Mug")
    shopper = api_shopper({lamp: 3, mug: 1})
    order_id = fulfilment.place(shop, shopper)
    detail = fulfilment.wait_for_parcels(shop, shopper, order_id, count=2)
    assert (stock_of(lamp), stock_of(mug)) == (7, 3)

    found = shop.get(f"{API}?email={shopper.email.upper()}", headers=operator)
    assert found.status_code == 200, found.get_json()
    assert found.get_json()["customer"]["customerID"] == shopper.user_id
    assert [o["orderID"] for o in found.get_json()["orders"]] == [order_id]
    whole = shop.get(f"{API}/{order_id}", headers=operator).get_json()
    assert whole["canCancel"] and len(whole["suborders"]) == 2
    assert whole["shippingAddress"]["line1"]

    answer = shop.post(
        f"{API}/{order_id}/cancel", json={"reason": "Customer phoned: duplicate order"},
        headers=operator,
    )  # fmt: skip

    assert answer.status_code == 200, answer.get_json()
    order = answer.get_json()
    assert order["status"] == "CANCELLED"
    assert {suborder["status"] for suborder in order["suborders"]} == {"CANCELLED"}
    (cancelled,) = [entry for entry in order["timeline"] if entry["event"] == "cancelled"]
    assert cancelled["detail"] == "Cancelled by the store: Customer phoned: duplicate order"
    assert (stock_of(lamp), stock_of(mug)) == (10, 4)
    assert refunds(checkout_engine, order_id) == [detail["total"]]
    assert order["refunded"] == detail["total"]
    # The shopper sees the same order, cancelled, with the store's reason.
    mine = fulfilment.detail(shop, shopper, order_id)
    assert mine["status"] == "CANCELLED"
    assert cancelled in mine["timeline"]
    assert_checkout_invariants()


def test_an_email_no_account_has_is_an_empty_answer_and_a_shopper_may_not_look(
    shop, operator, api_shopper
):
    nobody = shop.get(f"{API}?email={new_email('nobody')}", headers=operator)
    assert nobody.status_code == 200
    assert nobody.get_json()["customer"] is None and nobody.get_json()["orders"] == []
    shopper = api_shopper()
    assert shop.get(f"{API}?email={shopper.email}", headers=shopper.headers).status_code == 403
