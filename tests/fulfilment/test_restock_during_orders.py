"""Staff restock through the API while shoppers buy the same item through checkout and
the orders are split and assigned: every unit is accounted for and I1-I3 hold."""

from __future__ import annotations

import threading

import pytest

from tests.fulfilment.conftest import MIAMI, SEATTLE, Store
from tests.web.checkout_calls import place_order, register_api_shopper
from tests.web.shoppers import PASSWORD, bearer, new_email

pytestmark = pytest.mark.integration

SHOPPERS = 6
RESTOCKS = 10


@pytest.fixture(scope="module")
def staff(store: Store) -> dict[str, str]:
    from db.postgres.engine import make_session_factory
    from web.auth.accounts import register

    email = new_email("staff")
    register(make_session_factory(store.engine), email=email, password=PASSWORD, role="operator")
    issued = store.app.test_client().post(
        "/api/v1/auth/token", json={"email": email, "password": PASSWORD}
    )
    return bearer(issued.get_json()["token"])


def test_restocks_racing_checkouts_and_assignments_lose_no_unit(store: Store, staff):
    kettle = store.item({SEATTLE: 3, MIAMI: 3})
    # Sign up first (slow: scrypt), so the orders and the restocks really overlap.
    shoppers = [register_api_shopper(store.app.test_client(), {kettle: 1}) for _ in range(SHOPPERS)]
    start = threading.Barrier(SHOPPERS + RESTOCKS)
    orders: list[str] = []
    restocked: list[int] = []

    def buy(shopper) -> None:
        start.wait()
        orders.append(place_order(store.app.test_client(), shopper)["orderID"])

    def restock(n: int) -> None:
        warehouse = (SEATTLE, MIAMI)[n % 2]
        start.wait()
        answer = store.app.test_client().post(
            f"/api/v1/warehouses/{warehouse}/restock",
            json={"itemID": kettle, "quantity": 1},
            headers=staff,
        )
        restocked.append(answer.status_code)

    threads = [threading.Thread(target=buy, args=(s,)) for s in shoppers]
    threads += [threading.Thread(target=restock, args=(n,)) for n in range(RESTOCKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert len(orders) == SHOPPERS and restocked == [200] * RESTOCKS
    for order_id in orders:
        store.until(
            lambda order_id=order_id: (
                sum(sum(lines.values()) for _, lines in store.suborders(order_id).values()) == 1
            ),
            what=f"order {order_id} assigned",
        )
    shelves = store.shelf(kettle)
    assert store.aggregated(kettle) == 6 + RESTOCKS - SHOPPERS
    assert sum(physical for physical, _ in shelves.values()) == 6 + RESTOCKS  # none shipped
    assert sum(available for _, available in shelves.values()) == 6 + RESTOCKS - SHOPPERS
    store.check_invariants()
