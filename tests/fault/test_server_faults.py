"""Each server of the store dies or freezes in the middle of a load of checkouts and
shipments, on a store run as an operator runs it (`shopflow run`, whose supervisor
restarts what exits). After each fault, with no manual step:

* every checkout became exactly one order, or gave its stock back;
* the gateway's ledger charged no checkout twice, and every order once;
* no HELD reservation outlives its checkout (after one run of the hold sweeper);
* `shopflow check` passes, and the store sells and searches again.

The store is started once for the module; the servers are killed by the pid
`shopflow stack status --json` reports (children of the test's own `shopflow run`).
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from tests.fault.load import Shipper, Shoppers, buy
from tests.fault.running_store import RunningStore, wait_until

# Each test is bounded by its own deadlines (a shopper's patience, polling limits); the
# module's first test also starts the store, which on a crowded machine can take minutes.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

SHOPPERS = 3
PATIENCE = 120.0  # how long a shopper keeps retrying before it walks away
FROZEN_SECONDS = 10.0


@pytest.fixture(scope="module")
def running_store(tmp_path_factory) -> Iterator[RunningStore]:
    store = RunningStore.create(tmp_path_factory.mktemp("fault-store"))
    try:
        store.start()
        yield store
    finally:
        store.stop()


@pytest.fixture(scope="module")
def staff_token(running_store: RunningStore) -> str:
    return running_store.staff_token()


def under_load(store: RunningStore, token: str, fault) -> dict:
    """Start shoppers and a shipper, run `fault` once a checkout is under way, then let
    everyone finish; returns what happened, checked by `assert_store_whole`."""
    item = store.new_item(units_per_warehouse=20)
    # An order already placed, so the shipper has parcels to ship through the fault.
    earlier = [buy(store.base_url, item, seconds=60)]
    assert all(o.order_id for o in earlier), [o.error for o in earlier]
    shipper = Shipper(store.base_url, token).start()
    shoppers = Shoppers(store.base_url, item, SHOPPERS, seconds=PATIENCE).start()
    wait_until(
        lambda: (
            store.scalar("SELECT count(*) FROM reservations WHERE item_id = :i", i=item)
            > len(earlier)
        ),
        seconds=60,
        what="a checkout of the load holding stock",
    )
    fault()
    outcomes = shoppers.join(PATIENCE + 90)
    shipper.stop()
    return {"item": item, "outcomes": earlier + outcomes, "shipper": shipper}


def assert_store_whole(store: RunningStore, happened: dict) -> None:
    item, outcomes = happened["item"], happened["outcomes"]
    ordered = [o for o in outcomes if o.order_id]
    assert ordered, [o.error for o in outcomes]
    # What the load went through, for docs/reliability.md (shown with `pytest -s`).
    print(
        f"\nfault load: {len(outcomes)} checkouts, {len(ordered)} orders, "
        f"{sum(o.cancelled for o in outcomes)} given back, "
        f"{sum(o.retries for o in outcomes)} client retries, "
        f"5xx answers: {Counter(e for o in outcomes for e in o.server_errors)}, "
        f"{len(happened['shipper'].shipped)} suborders shipped; "
        f"errors: {[o.error for o in outcomes if o.error]}"
    )

    # One order per checkout that placed one; the rest gave their stock back.
    store.sweep()
    rows = store.rows(
        "SELECT r.checkout_id, r.state, o.id AS order_id FROM reservations r "
        "LEFT JOIN orders o ON o.checkout_id = r.checkout_id WHERE r.item_id = :i",
        i=item,
    )
    assert [r for r in rows if r.state == "HELD"] == []  # none outlives its checkout
    for row in rows:
        assert (row.state == "CONSUMED") == (row.order_id is not None), row
    assert {r.order_id for r in rows if r.order_id} == {o.order_id for o in ordered}

    # The gateway's ledger: one capture per order, no checkout charged twice.
    charges = store.rows(
        "SELECT reference, count(*) AS captured FROM payment_charges "
        "WHERE status IN ('CAPTURED', 'REFUNDED') GROUP BY reference"
    )
    assert all(c.captured == 1 for c in charges), charges
    captured = {c.reference for c in charges}
    assert {r.checkout_id for r in rows if r.order_id} <= captured

    # Stock adds up: what was ordered left the shelves' free stock, nothing else.
    sold = store.scalar(
        "SELECT coalesce(sum(quantity), 0) FROM order_lines WHERE item_id = :i", i=item
    )
    warehouses = store.scalar("SELECT count(*) FROM warehouses")
    assert store.scalar("SELECT stock FROM aggregated_stock WHERE item_id = :i", i=item) == (
        20 * warehouses - sold
    )
    check = store.cli("check", check=False)
    assert check.returncode == 0, check.stderr

    # The store answers again, without anyone touching it: search, and a whole purchase.
    search = httpx.get(f"{store.base_url}/api/v1/items?query=fault", timeout=30)
    assert search.status_code == 200
    after = buy(store.base_url, item, seconds=90)
    assert after.order_id, after.error


@pytest.mark.parametrize("server", ["temporal", "postgres"])
def test_a_server_killed_mid_checkout_is_restarted_and_nothing_is_lost(
    running_store: RunningStore, staff_token: str, server: str
):
    store = running_store
    killed = store.pid(server)

    def fault():
        os.kill(killed, signal.SIGKILL)

    happened = under_load(store, staff_token, fault)

    assert store.pid(server) != killed
    assert f"{server} restarted" in store.supervisor_log()
    assert_store_whole(store, happened)


def test_redis_frozen_for_ten_seconds_mid_checkout_loses_nothing(
    running_store: RunningStore, staff_token: str
):
    store = running_store
    frozen = store.pid("redis")

    def fault():
        os.kill(frozen, signal.SIGSTOP)
        try:
            time.sleep(FROZEN_SECONDS)
        finally:
            os.kill(frozen, signal.SIGCONT)

    happened = under_load(store, staff_token, fault)

    assert store.pid("redis") == frozen  # it was only stopped; nothing had to restart it
    assert_store_whole(store, happened)


def test_search_frozen_for_ten_seconds_says_so_and_cart_and_checkout_carry_on(
    running_store: RunningStore, staff_token: str
):
    store = running_store
    frozen = store.pid("typesense")
    during: dict = {}
    other = store.new_item(units_per_warehouse=5)  # bought while search is down

    def fault():
        os.kill(frozen, signal.SIGSTOP)
        try:
            # A query never asked before: a cached answer would not need Typesense.
            fresh = f"frozen {uuid.uuid4().hex[:8]}"
            searched = httpx.get(
                f"{store.base_url}/api/v1/items", params={"query": fresh}, timeout=30
            )
            during["search"] = (searched.status_code, searched.text)
            during["purchase"] = buy(store.base_url, other, seconds=FROZEN_SECONDS * 6)
        finally:
            os.kill(frozen, signal.SIGCONT)

    happened = under_load(store, staff_token, fault)

    status, body = during["search"]
    assert status == 503 and "search" in body.lower()
    assert during["purchase"].order_id, during["purchase"].error  # while search was down
    assert_store_whole(store, happened)
