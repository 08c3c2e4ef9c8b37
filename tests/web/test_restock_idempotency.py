"""A retried restock adds its units once: the same Idempotency-Key with the same body
answers the same, another body with that key is a 422; the portal form carries a key
of its own, so a double-submitted form restocks once. The key lives in PostgreSQL with
the units, so it holds even with Redis down."""

from __future__ import annotations

import re

import pytest

from stack.ports import free_port
from tests.web.shoppers import post_form
from tests.web.warehouse_world import TACOMA

pytest_plugins = ["tests.web.warehouse_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

API = f"/api/v1/warehouses/{TACOMA}/restock"
PORTAL = f"/warehouses/{TACOMA}"


def _restock(app, headers, key: str | None, **body):
    extra = {"Idempotency-Key": key} if key else {}
    return app.test_client().post(API, json=body, headers={**headers, **extra})


def test_the_same_key_and_body_twice_answers_the_same_and_adds_the_units_once(
    portal_app, staff_headers, world, assert_portal_invariants
):
    item = world.item({TACOMA: 4})

    first = _restock(portal_app, staff_headers, "delivery-0042", itemID=item, quantity=6)
    again = _restock(portal_app, staff_headers, "delivery-0042", itemID=item, quantity=6)

    assert first.status_code == again.status_code == 200, again.get_json()
    assert again.get_json() == first.get_json()
    assert first.get_json()["physicalStock"] == 10
    assert world.shelf(TACOMA, item) == (10, 10)
    assert world.aggregated(item) == 10
    assert_portal_invariants()


def test_the_same_key_with_another_body_is_refused_and_adds_nothing(
    portal_app, staff_headers, world
):
    item = world.item({TACOMA: 4})
    key = f"delivery-{item}"
    assert _restock(portal_app, staff_headers, key, itemID=item, quantity=6).status_code == 200

    other = _restock(portal_app, staff_headers, key, itemID=item, quantity=9)

    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert world.shelf(TACOMA, item) == (10, 10)


def test_without_redis_the_key_still_adds_the_units_once(
    make_portal_app, staff_headers, world, assert_portal_invariants
):
    """Redis down: the replayed answer is gone, not the guarantee (PostgreSQL keeps the key)."""
    app = make_portal_app(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    item = world.item({TACOMA: 1})

    first = _restock(app, staff_headers, f"no-redis-{item}", itemID=item, quantity=2)
    again = _restock(app, staff_headers, f"no-redis-{item}", itemID=item, quantity=2)
    other = _restock(app, staff_headers, f"no-redis-{item}", itemID=item, quantity=3)

    assert first.status_code == again.status_code == 200, again.get_json()
    assert again.get_json()["physicalStock"] == first.get_json()["physicalStock"] == 3
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert world.shelf(TACOMA, item) == (3, 3)
    assert_portal_invariants()


def test_a_double_submitted_restock_form_adds_the_units_once(
    staff_browser, world, assert_portal_invariants
):
    item = world.item({TACOMA: 1})
    page = staff_browser.get(PORTAL).get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    form = {"item_id": str(item), "quantity": "5", "idempotency_key": key}

    first = post_form(staff_browser, f"{PORTAL}/restock", form, htmx=True)
    again = post_form(staff_browser, f"{PORTAL}/restock", form, htmx=True)

    assert first.status_code == again.status_code == 200
    box = again.get_data(as_text=True)
    assert 'data-test="restock-done"' in box and "6 on this warehouse" in box
    assert 'data-test="restock-replayed"' in box
    assert 'data-test="restock-replayed"' not in first.get_data(as_text=True)
    # The answer carries a fresh key for the next delivery.
    assert f'value="{key}"' not in box
    assert world.shelf(TACOMA, item) == (6, 6)
    assert_portal_invariants()
