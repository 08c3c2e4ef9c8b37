"""`GET /api/v1/orders/<orderID>`: lines, status, the timeline and one suborder per
warehouse (from warehouse_orders, joined to warehouses), as fulfilment moves it on."""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.web.checkout_fixtures", "tests.web.order_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

SEATTLE = 1  # the warehouse tests/web/checkout_fixtures.py creates


@pytest.fixture
def split_order(shop, api_shopper, item_in, portland, fulfilment):
    """An order of a lamp held only in Seattle and two mugs held only in Portland,
    placed through the API and assigned to both warehouses."""
    lamp = item_in(SEATTLE, 5, price=4_200, name="Desk Lamp")
    mug = item_in(portland, 5, price=900, name="Blue Mug")
    shopper = api_shopper({lamp: 1, mug: 2})
    order_id = fulfilment.place(shop, shopper)
    detail = fulfilment.wait_for_parcels(shop, shopper, order_id, count=2)
    return shopper, order_id, detail, lamp, mug


def parcel_from(detail: dict, warehouse_name: str) -> dict:
    (parcel,) = [s for s in detail["suborders"] if s["warehouse"]["name"] == warehouse_name]
    return parcel


def test_an_order_split_over_two_warehouses_shows_one_suborder_per_warehouse_with_its_items(
    shop, split_order, portland, assert_checkout_invariants
):
    shopper, order_id, detail, lamp, mug = split_order

    assert detail["status"] == "PENDING" and detail["canCancel"] is True
    seattle = parcel_from(detail, "Seattle")
    assert seattle["warehouse"] == {"id": SEATTLE, "name": "Seattle", "region": "Seattle, WA, US"}
    assert seattle["lines"] == [{"itemID": lamp, "name": "Desk Lamp", "quantity": 1}]
    assert seattle["status"] == "ASSIGNED"
    assert seattle["shippedAt"] is None and seattle["deliveredAt"] is None
    assert seattle["suborderID"].startswith(order_id)
    portland_parcel = parcel_from(detail, "Portland")
    assert portland_parcel["warehouse"]["id"] == portland
    assert portland_parcel["lines"] == [{"itemID": mug, "name": "Blue Mug", "quantity": 2}]
    events = [entry["event"] for entry in detail["timeline"]]
    assert events[0] == "placed" and events.count("assigned") == 2
    assert all(set(entry) == {"at", "event", "detail"} for entry in detail["timeline"])
    assert_checkout_invariants()


def test_a_parcel_that_ships_and_arrives_shows_when_on_the_order(
    shop, split_order, fulfilment, assert_checkout_invariants
):
    shopper, order_id, detail, _, _ = split_order
    seattle_id = parcel_from(detail, "Seattle")["suborderID"]

    assert fulfilment.ship(seattle_id) == "SHIPPED"
    shipped = fulfilment.detail(shop, shopper, order_id)
    seattle = parcel_from(shipped, "Seattle")
    assert seattle["status"] == "SHIPPED" and seattle["shippedAt"].endswith("Z")
    assert parcel_from(shipped, "Portland")["status"] == "ASSIGNED"
    assert shipped["status"] == "PENDING"  # one parcel of two is not the whole order
    assert shipped["canCancel"] is False
    assert "suborder shipped" in [entry["event"] for entry in shipped["timeline"]]

    assert fulfilment.deliver(seattle_id) == "DELIVERED"
    delivered = parcel_from(fulfilment.detail(shop, shopper, order_id), "Seattle")
    assert delivered["status"] == "DELIVERED" and delivered["deliveredAt"] >= delivered["shippedAt"]
    assert_checkout_invariants()


def test_an_order_is_shipped_then_delivered_once_every_parcel_is(
    shop, split_order, fulfilment, assert_checkout_invariants
):
    shopper, order_id, detail, _, _ = split_order
    parcels = [suborder["suborderID"] for suborder in detail["suborders"]]

    for parcel in parcels:
        fulfilment.ship(parcel)
    fulfilment.wait_until(
        lambda: fulfilment.detail(shop, shopper, order_id)["status"] == "SHIPPED", what="SHIPPED"
    )
    for parcel in parcels:
        fulfilment.deliver(parcel)
    final = fulfilment.wait_until(
        lambda: (d := fulfilment.detail(shop, shopper, order_id))["status"] == "DELIVERED" and d,
        what="DELIVERED",
    )

    events = [entry["event"] for entry in final["timeline"]]
    assert events.index("placed") < events.index("shipped") < events.index("delivered")
    assert {s["status"] for s in final["suborders"]} == {"DELIVERED"}
    assert_checkout_invariants()


def ordered_at_now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def test_each_parcel_has_its_own_date_by_distance_and_the_order_arrives_with_the_last(
    shop, split_order, portland, fulfilment, assert_checkout_invariants
):
    from datetime import UTC, date, datetime

    from db.geo.geocoding import locate
    from domain.delivery import parcel_arrival_from
    from tests.web.checkout_fixtures import SEATTLE as SEATTLE_SITE
    from tests.web.order_fixtures import PORTLAND

    shopper, order_id, detail, _, _ = split_order
    address = locate(detail["shippingAddress"])
    assert address is not None  # a Seattle ZIP code
    today = datetime.now(UTC).date()
    expected = {
        "Seattle": parcel_arrival_from(today, SEATTLE_SITE[2:], address),
        "Portland": parcel_arrival_from(
            today, (PORTLAND["latitude"], PORTLAND["longitude"]), address
        ),
    }
    dates = {
        p["warehouse"]["name"]: date.fromisoformat(p["arrivalDate"]) for p in detail["suborders"]
    }
    assert dates == expected
    assert date.fromisoformat(detail["arrivalDate"]) == max(expected.values())
    listed = shop.get("/api/v1/orders", headers=shopper.headers).get_json()["orders"]
    assert [o["arrivalDate"] for o in listed] == [detail["arrivalDate"]]  # the list agrees

    seattle_id = parcel_from(detail, "Seattle")["suborderID"]
    fulfilment.ship(seattle_id)
    assert fulfilment.deliver(seattle_id) == "DELIVERED"
    after = fulfilment.detail(shop, shopper, order_id)
    assert parcel_from(after, "Seattle")["arrivalDate"] == today.isoformat()  # delivered on
    assert parcel_from(after, "Portland")["arrivalDate"] == expected["Portland"].isoformat()
    assert_checkout_invariants()
