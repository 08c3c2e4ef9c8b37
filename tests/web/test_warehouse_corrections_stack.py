"""Correcting stock down on PostgreSQL through the staff API: within what may go it takes
units off the shelf and the aggregate in one transaction, writes the stock_events
outbox (docs/live-stock.md) and a record of who and why; beyond it, a 409 with how many
may go and nothing changes; I1-I3 hold. Every rule and bad input: the fakes
(test_warehouse_corrections.py)."""

from __future__ import annotations

import pytest

from tests.web.warehouse_world import BOSTON, TACOMA

pytest_plugins = ["tests.web.warehouse_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

API = "/api/v1/warehouses"


def _correct(app, headers, warehouse: int = TACOMA, **body):
    return app.test_client().post(f"{API}/{warehouse}/restock", json=body, headers=headers)


def test_units_promised_to_an_order_cannot_be_corrected_away_and_the_rest_can(
    portal_app, staff_headers, accounts, world, assert_portal_invariants
):
    item = world.item({TACOMA: 6, BOSTON: 2})
    order_id = world.order({item: 3})
    world.suborders(order_id)  # assigned to Tacoma, the nearest: 3 of its 6 wait to ship
    assert world.shelf(TACOMA, item) == (6, 3) and world.aggregated(item) == 5
    events_before = world.scalar("SELECT count(*) FROM stock_events WHERE item_id = :i", i=item)

    refused = _correct(portal_app, staff_headers, itemID=item, quantity=-4, reason="damaged")

    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["error"]["removable"] == 3
    assert world.shelf(TACOMA, item) == (6, 3) and world.aggregated(item) == 5
    assert world.scalar("SELECT count(*) FROM stock_corrections WHERE item_id = :i", i=item) == 0
    assert_portal_invariants()

    answer = _correct(
        portal_app, staff_headers, itemID=item, quantity=-3, reason="count correction",
        note="recounted bay 7",
    )  # fmt: skip

    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["physicalStock"], body["availableStock"], body["aggregatedStock"]) == (3, 0, 2)
    assert world.shelf(TACOMA, item) == (3, 0) and world.aggregated(item) == 2
    recorded = world.scalar(
        "SELECT row(delta, reason, note, user_id)::text FROM stock_corrections WHERE item_id = :i",
        i=item,
    )
    assert recorded == f'(-3,"count correction","recounted bay 7",{accounts["staff"].id})'
    # The outbox row the relay publishes (no relay runs here, so it stays).
    latest = world.scalar(
        "SELECT stock FROM stock_events WHERE item_id = :i ORDER BY id DESC LIMIT 1", i=item
    )
    assert latest == 2
    assert world.scalar("SELECT count(*) FROM stock_events WHERE item_id = :i", i=item) > (
        events_before
    )
    listed = portal_app.test_client().get(f"{API}/{TACOMA}/corrections", headers=staff_headers)
    assert [c["itemID"] for c in listed.get_json()["corrections"]][:1] == [item]
    assert_portal_invariants()


def test_a_retried_correction_removes_the_units_once(
    portal_app, staff_headers, world, assert_portal_invariants
):
    item = world.item({TACOMA: 5})
    headers = {**staff_headers, "Idempotency-Key": f"fix-{item}"}

    first = _correct(portal_app, headers, itemID=item, quantity=-2, reason="lost")
    second = _correct(portal_app, headers, itemID=item, quantity=-2, reason="lost")

    assert first.status_code == second.status_code == 200
    assert world.shelf(TACOMA, item) == (3, 3) and world.aggregated(item) == 3
    assert world.scalar("SELECT count(*) FROM stock_corrections WHERE item_id = :i", i=item) == 1
    assert_portal_invariants()


def test_units_a_checkout_holds_cannot_be_corrected_away(
    portal_app, staff_headers, world, assert_portal_invariants
):
    """The other limit (I1): a hold takes units out of the aggregate, not off any shelf."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import text

    item = world.item({TACOMA: 4})
    hold = {"c": f"co-fix-{item}", "i": item, "at": datetime.now(UTC) + timedelta(minutes=5)}
    with world.engine.begin() as conn:  # what the reserve activity writes, in one transaction
        conn.execute(
            text(
                "INSERT INTO reservations (checkout_id, item_id, quantity, expires_at, state) "
                "VALUES (:c, :i, 3, :at, 'HELD')"
            ),
            hold,
        )
        conn.execute(text("UPDATE aggregated_stock SET stock = stock - 3 WHERE item_id = :i"), hold)
    try:
        assert world.shelf(TACOMA, item) == (4, 4) and world.aggregated(item) == 1
        assert_portal_invariants()

        refused = _correct(portal_app, staff_headers, itemID=item, quantity=-2, reason="lost")

        assert refused.status_code == 409, refused.get_json()
        assert refused.get_json()["error"]["removable"] == 1
        assert world.shelf(TACOMA, item) == (4, 4) and world.aggregated(item) == 1
        answer = _correct(portal_app, staff_headers, itemID=item, quantity=-1, reason="lost")
        assert answer.status_code == 200, answer.get_json()
        assert world.shelf(TACOMA, item) == (3, 3) and world.aggregated(item) == 0
        assert_portal_invariants()
    finally:  # the hold ends, as the sweeper would end it: its units back to the aggregate
        with world.engine.begin() as conn:
            released = conn.execute(
                text("DELETE FROM reservations WHERE checkout_id = :c AND item_id = :i"), hold
            ).rowcount
            conn.execute(
                text("UPDATE aggregated_stock SET stock = stock + :n WHERE item_id = :i"),
                {**hold, "n": 3 * released},
            )
