"""Every committed stock change reaches the stock feed once, after commit; nothing else does."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from sqlalchemy import text

from activities.checkout import CheckoutActivities
from db.postgres.engine import make_session_factory
from db.postgres.restock import restock
from db.redis.stock_relay import StockRelay, libpq_url
from domain.checkout import to_iso
from domain.stock import Line
from payments.sandbox import SandboxGateway
from tests.live.conftest import WAREHOUSE, RelayProcess, add_item, make_world, publisher
from tests.payments.vault import TEST_SEALER
from workflows.checkout_messages import ReleaseRequest, ReserveRequest

pytestmark = pytest.mark.integration


def relay_now(world) -> int:
    relay = StockRelay(world.settings.database_url, publisher(world), None)
    with psycopg.connect(libpq_url(world.settings.database_url), autocommit=True) as conn:
        return relay.relay_pending(conn)


def feed(world, item_id: int) -> list[tuple[int, int, bool]]:
    """(event id, stock, inStock) of the item's own stream, oldest first."""
    entries = world.redis.xrange(world.keys.item(item_id))
    out = []
    for entry_id, fields in entries:
        body = json.loads(fields[b"d"])
        assert int(entry_id.decode().split("-")[0]) == body["eventID"]
        out.append((body["eventID"], body["stock"], body["inStock"]))
    return out


def checkout_activities(world) -> CheckoutActivities:
    sessions = make_session_factory(world.engine)
    return CheckoutActivities(sessions, SandboxGateway(sessions, TEST_SEALER))


def test_reserving_and_releasing_a_checkout_each_publish_one_change_after_commit(events_world):
    world = events_world
    item = add_item(world, 930001, 5)
    relay_now(world)  # the new item's first stock row is a change too
    assert [s for _, s, _ in feed(world, item)] == [5]

    activities = checkout_activities(world)
    checkout = f"co-live-{uuid.uuid4().hex}"
    expires = to_iso(datetime.now(UTC) + timedelta(minutes=5))
    activities.reserve(ReserveRequest(checkout, (Line(item, 5),), expires))
    assert world.outbox(item) == [(item, 0)]  # written in the reserve's own transaction
    assert world.redis.xlen(world.keys.item(item)) == 1  # nothing published before the relay
    relay_now(world)
    activities.release(ReleaseRequest(checkout))
    activities.release(ReleaseRequest(checkout))  # a retried release changes nothing
    relay_now(world)

    stocks = [(s, in_stock) for _, s, in_stock in feed(world, item)]
    assert stocks == [(5, True), (0, False), (5, True)]
    ids = [event_id for event_id, _, _ in feed(world, item)]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert world.outbox() == []  # relayed rows are gone from the outbox


def test_a_restock_publishes_one_change_and_an_unchanged_stock_publishes_none(events_world):
    world = events_world
    item = add_item(world, 930002, 0)
    restock(make_session_factory(world.engine), WAREHOUSE, item, 4)
    world.set_stock(item, 4)  # an UPDATE that leaves the number as it was
    relay_now(world)
    assert [s for _, s, _ in feed(world, item)] == [0, 4]


def test_a_rolled_back_transaction_publishes_nothing(events_world):
    world = events_world
    item = add_item(world, 930003, 3)
    relay_now(world)
    with world.engine.connect() as conn:
        trans = conn.begin()
        conn.execute(text("UPDATE aggregated_stock SET stock = 0 WHERE item_id = :i"), {"i": item})
        trans.rollback()
    activities = checkout_activities(world)
    with pytest.raises(Exception):  # noqa: B017 - more than there is: the whole hold rolls back
        activities.reserve(
            ReserveRequest(
                f"co-live-{uuid.uuid4().hex}",
                (Line(item, 2), Line(930001, 99)),
                to_iso(datetime.now(UTC) + timedelta(minutes=5)),
            )
        )
    assert world.outbox(item) == []
    relay_now(world)
    assert [s for _, s, _ in feed(world, item)] == [3]


def test_a_change_published_twice_after_a_relay_crash_is_kept_once(events_world):
    world = events_world
    item = add_item(world, 930004, 2)
    world.set_stock(item, 1)
    with world.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, item_id, stock FROM stock_events WHERE item_id = :i ORDER BY id"),
            {"i": item},
        ).all()
    from db.redis.stock_feed import StockChange

    changes = [StockChange(r[0], r[1], r[2]) for r in rows]
    publisher(world).publish(changes)  # published, then the relay "died" before deleting
    relay_now(world)  # the next relay publishes the same rows again
    assert [s for _, s, _ in feed(world, item)] == [2, 1]


def test_killing_the_relay_mid_stream_and_restarting_it_loses_no_change(
    isolated_settings, tmp_path
):
    world = make_world(isolated_settings, "live_crash")
    item = add_item(world, 930101, 400)
    sales = 300
    relay = RelayProcess(world.settings, tmp_path / "relay.log")
    try:

        def sell_one_at_a_time() -> None:
            for _ in range(sales):
                with world.engine.begin() as conn:
                    conn.execute(
                        text("UPDATE aggregated_stock SET stock = stock - 1 WHERE item_id = :i"),
                        {"i": item},
                    )

        seller = threading.Thread(target=sell_one_at_a_time)
        seller.start()
        deadline = time.monotonic() + 60
        while len(world.changes(item)) < 50 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert world.changes(item), "the relay never published"
        relay.kill()  # SIGKILL mid-stream, by its own pid
        relay.stop()
        relay = RelayProcess(world.settings, tmp_path / "relay.log")
        seller.join(timeout=120)
        deadline = time.monotonic() + 60
        while world.outbox() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert world.outbox() == []
    finally:
        relay.stop()
        world.engine.dispose()

    seen = {body["eventID"]: body["stock"] for body in world.changes(item)}
    # The first row (400 units) and then every sale, each exactly once by event id.
    assert sorted(seen.values(), reverse=True) == list(range(400, 400 - sales - 1, -1))


def test_a_first_catalogue_load_makes_no_stock_events_but_a_reload_reports_what_moved(
    isolated_settings,
):
    from catalog.loader import load_catalog
    from tests.web import catalogue

    world = make_world(isolated_settings, "live_load")
    try:
        load_catalog(
            world.settings, catalogue.WAREHOUSES, catalogue.ITEMS, total=len(catalogue.ITEMS)
        )
        assert world.outbox() == []  # nobody could be listening to items that did not exist
        sold = catalogue.ITEMS[0].id
        world.set_stock(sold, 0)
        load_catalog(
            world.settings, catalogue.WAREHOUSES, catalogue.ITEMS, total=len(catalogue.ITEMS)
        )
        # The reload put the sold item's units back: that (and only that) is a change.
        assert [row for row in world.outbox() if row[0] == sold] == [
            (sold, 0),
            (sold, catalogue.ITEMS[0].total_stock),
        ]
        assert {item for item, _ in world.outbox()} == {sold}
    finally:
        world.engine.dispose()


class _NoSearch:
    """A search index the relay may queue for; nothing here reaches Typesense."""

    def set_in_stock_many(self, flags):  # pragma: no cover - sync_search is not called
        raise AssertionError("not expected")


def test_an_item_that_sells_out_and_comes_back_within_one_batch_is_queued_for_search_once(
    events_world,
):
    world = events_world
    item = add_item(world, 930009, 2)
    relay_now(world)
    world.set_stock(item, 0)
    world.set_stock(item, 2)  # two zero-crossings waiting in the same outbox batch

    relay = StockRelay(world.settings.database_url, publisher(world), _NoSearch())
    with psycopg.connect(libpq_url(world.settings.database_url), autocommit=True) as conn:
        assert relay.relay_pending(conn) == 2
        pending = conn.execute(
            "SELECT item_id FROM stock_search_pending WHERE item_id = %s", (item,)
        ).fetchall()

    assert [(s, i) for _, s, i in feed(world, item)] == [(2, True), (0, False), (2, True)]
    assert pending == [(item,)]
    assert world.outbox(item) == []
