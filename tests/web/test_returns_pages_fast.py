"""The return pages on the fake shop (tests/fakes/returns.py): the order's returns part
with its form, a return asked for in place (htmx) or by a plain form, and the portal's
"Received" button (docs/returns.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes.returns import FakeReturns, FakeReturnWorkflows

pytestmark = pytest.mark.web

ORDER = "ORDER-PAGE-1"
LAMP = 7


@pytest.fixture
def returns(fake_shop):
    store = FakeReturns()
    services = fake_shop.app.extensions["shopflow"]
    services.returns, services.return_workflows = store, FakeReturnWorkflows(store)
    return store


def test_a_delivered_order_offers_its_lines_for_return(fake_shop, returns):
    browser = fake_shop.shopper()
    returns.deliver(browser.id, ORDER, {LAMP: 2})

    page = browser.get(f"/orders/{ORDER}/returns", htmx=True)

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-test="return-form"' in html and f'name="qty-{LAMP}"' in html
    assert 'max="2"' in html


def test_past_the_window_no_form_is_offered(fake_shop, returns):
    browser = fake_shop.shopper()
    returns.deliver(
        browser.id, ORDER, {LAMP: 2}, delivered_at=datetime.now(UTC) - timedelta(days=40)
    )

    html = browser.get(f"/orders/{ORDER}/returns", htmx=True).get_data(as_text=True)

    assert 'data-test="return-form"' not in html and "can be returned" in html


def test_picking_a_line_and_a_reason_authorises_a_return_in_place(fake_shop, returns):
    browser = fake_shop.shopper()
    returns.deliver(browser.id, ORDER, {LAMP: 2})

    answer = browser.post(
        f"/orders/{ORDER}/returns", {f"qty-{LAMP}": "1", "reason": "Too bright"}, htmx=True
    )

    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    [row] = returns.rows.values()
    assert f"Return {row.return_id} authorised" in html and "Authorized" in html
    assert 'max="1"' in html  # one unit left to return


def test_a_plain_form_redirects_and_a_refusal_is_shown_with_its_status(fake_shop, returns):
    browser = fake_shop.shopper()
    returns.deliver(browser.id, ORDER, {LAMP: 1})

    done = browser.post(f"/orders/{ORDER}/returns", {f"qty-{LAMP}": "1", "reason": "No"})
    assert done.status_code == 303
    again = browser.post(
        f"/orders/{ORDER}/returns", {f"qty-{LAMP}": "1", "reason": "No"}, htmx=True
    )
    assert again.status_code == 409 and "can be returned" in again.get_data(as_text=True)
    nothing = browser.post(f"/orders/{ORDER}/returns", {"reason": "No"}, htmx=True)
    assert nothing.status_code == 400


def test_another_shoppers_order_has_no_returns_page(fake_shop, returns):
    returns.deliver(fake_shop.new_user().id, ORDER, {LAMP: 1})

    assert fake_shop.shopper().get(f"/orders/{ORDER}/returns").status_code == 404


def test_the_portal_lists_authorised_returns_and_received_takes_them_off(fake_shop, returns):
    shopper = fake_shop.new_user()
    returns.deliver(shopper.id, ORDER, {LAMP: 1}, warehouse_id=3)
    [row] = returns.authorize(shopper.id, ORDER, {LAMP: 1}, "Broken")
    staff = fake_shop.shopper(fake_shop.new_user(role="operator"))

    listed = staff.get("/warehouses/3/returns").get_data(as_text=True)
    assert row.return_id in listed and 'data-test="receive-return"' in listed

    received = staff.post(f"/warehouses/3/returns/{row.return_id}/receive", htmx=True)
    assert received.status_code == 200
    assert f"Return {row.return_id} received" in received.get_data(as_text=True)
    assert returns.rows[row.return_id].status == "RECEIVED"
    assert row.return_id not in staff.get("/warehouses/3/returns").get_data(as_text=True)
    assert staff.post(f"/warehouses/4/returns/{row.return_id}/receive").status_code == 404
    assert fake_shop.shopper().get("/warehouses/3/returns").status_code == 403
