"""The staff order desk on fakes (tests/fakes/staff_orders.py): who may use it, looking
orders up by email and by number, one order whole, and the store's cancel with a reason.
The same on the real stack: tests/web/test_staff_orders_stack.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from flask import Flask

from domain.refusals import RefusalKind
from tests.fakes.signed_in import account, api_headers, browser
from tests.fakes.staff_orders import FakeStaffCancel, FakeStaffOrderReads
from tests.web.fakes import fake_services, fake_settings
from web import create_app
from web.refusals import Refused
from web.staff_orders.ports import WorkflowGone

pytestmark = pytest.mark.web

API = "/api/v1/staff/orders"


@pytest.fixture
def desk() -> Iterator[tuple[Flask, FakeStaffOrderReads, FakeStaffCancel]]:
    settings = fake_settings()
    services = fake_services(settings)
    reads = FakeStaffOrderReads()
    services.staff_orders = reads
    services.staff_cancel = cancel = FakeStaffCancel(reads)
    app = create_app(settings, services=services)
    app.config["TESTING"] = True
    yield app, reads, cancel
    services.close()


@pytest.fixture
def app(desk) -> Flask:
    return desk[0]


@pytest.fixture
def reads(desk) -> FakeStaffOrderReads:
    return desk[1]


@pytest.fixture
def workflow(desk) -> FakeStaffCancel:
    return desk[2]


@pytest.fixture
def operator(app):
    return api_headers(app, account("operator"))


# --- who may ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["shopper", "warehouse"])
def test_shoppers_and_warehouse_workers_are_refused_the_order_desk(app, reads, workflow, role):
    order = reads.add_order(reads.add_customer("ann@example.com"))
    user = account(role, 1) if role == "warehouse" else account(role)
    headers = api_headers(app, user)
    client = app.test_client()
    assert client.get(f"{API}?email=ann@example.com", headers=headers).status_code == 403
    assert client.get(f"{API}/{order.order_id}", headers=headers).status_code == 403
    cancelled = client.post(
        f"{API}/{order.order_id}/cancel", json={"reason": "fraud"}, headers=headers
    )
    assert cancelled.status_code == 403
    page = browser(app, user)
    assert page.get("/staff/orders").status_code == 403
    assert (
        page.post(f"/staff/orders/{order.order_id}/cancel", data={"reason": "x"}).status_code == 403
    )
    assert workflow.calls == []


@pytest.mark.parametrize("role", ["operator", "admin"])
def test_operators_and_admins_work_the_order_desk(app, reads, role):
    reads.add_customer("ann@example.com")
    answer = app.test_client().get(
        f"{API}?email=ann@example.com", headers=api_headers(app, account(role))
    )
    assert answer.status_code == 200
    assert browser(app, account(role)).get("/staff/orders").status_code == 200


def test_without_a_token_the_api_answers_401_and_the_page_sends_to_sign_in(app):
    client = app.test_client()
    assert client.get(f"{API}?email=a@example.com").status_code == 401
    page = client.get("/staff/orders")
    assert page.status_code == 303 and "/login" in page.headers["Location"]


def test_the_header_links_the_order_desk_for_operators_only(app):
    assert b"order-desk-link" in browser(app, account("operator")).get("/staff/orders").data
    assert b"order-desk-link" not in browser(app, account("warehouse", 1)).get("/warehouses").data


# --- looking up --------------------------------------------------------------------------


def test_an_email_finds_the_customers_orders_newest_first_whatever_its_case(app, reads, operator):
    ann = reads.add_customer("ann@example.com")
    older, newer = reads.add_order(ann, minutes=1), reads.add_order(ann, minutes=2)
    reads.add_order(reads.add_customer("bob@example.com"))
    answer = app.test_client().get(f"{API}?email= Ann@Example.COM ", headers=operator).get_json()
    assert answer["customer"] == {"customerID": ann.customer_id, "email": "ann@example.com"}
    assert [o["orderID"] for o in answer["orders"]] == [newer.order_id, older.order_id]
    assert answer["nextCursor"] is None


def test_many_orders_come_in_pages_followed_by_the_cursor(app, reads, operator):
    ann = reads.add_customer("ann@example.com")
    placed = [reads.add_order(ann, minutes=m).order_id for m in range(5)]
    client, seen, url = app.test_client(), [], f"{API}?email=ann@example.com&limit=2"
    while url:
        page = client.get(url, headers=operator).get_json()
        seen += [o["orderID"] for o in page["orders"]]
        cursor = page["nextCursor"]
        url = f"{API}?email=ann@example.com&limit=2&nextCursor={cursor}" if cursor else None
    assert seen == placed[::-1]


def test_a_cursor_of_another_customer_is_a_400(app, reads, operator):
    ann, bob = reads.add_customer("ann@example.com"), reads.add_customer("bob@example.com")
    for minutes in range(3):
        reads.add_order(ann, minutes=minutes)
        reads.add_order(bob, minutes=minutes)
    client = app.test_client()
    cursor = client.get(f"{API}?email=ann@example.com&limit=1", headers=operator).get_json()[
        "nextCursor"
    ]
    answer = client.get(f"{API}?email=bob@example.com&nextCursor={cursor}", headers=operator)
    assert answer.status_code == 400


def test_an_email_no_account_has_is_an_empty_answer_not_an_error(app, operator):
    answer = app.test_client().get(f"{API}?email=nobody@example.com", headers=operator)
    assert answer.status_code == 200
    assert answer.get_json() == {"customer": None, "orders": [], "nextCursor": None, "limit": 20}


def test_an_order_number_finds_that_order_and_its_customer(app, reads, operator):
    ann = reads.add_customer("ann@example.com")
    order = reads.add_order(ann)
    answer = app.test_client().get(f"{API}?orderID={order.order_id}", headers=operator).get_json()
    assert answer["customer"]["customerID"] == ann.customer_id
    assert [o["orderID"] for o in answer["orders"]] == [order.order_id]
    unknown = app.test_client().get(f"{API}?orderID=feedbeef", headers=operator).get_json()
    assert unknown["customer"] is None and unknown["orders"] == []


@pytest.mark.parametrize(
    "query",
    ["", "?email=a@example.com&orderID=abc", "?email=", "?limit=0&email=a@example.com",
     "?orderID=abc&nextCursor=xyz", "?email=a@example.com&nextCursor=%00", "?colour=red"],
)  # fmt: skip
def test_bad_lookups_are_a_400(app, operator, query):
    answer = app.test_client().get(f"{API}{query}", headers=operator)
    assert answer.status_code == 400
    assert answer.get_json()["error"]["message"]


def test_the_search_box_finds_by_email_or_number(app, reads):
    ann = reads.add_customer("ann@example.com")
    order = reads.add_order(ann)
    page = browser(app, account("operator"))
    by_email = page.get("/staff/orders?q=ANN@example.com").get_data(as_text=True)
    assert (
        order.order_id in by_email
        and f'customer id <span data-test="staff-customer-id">{ann.customer_id}' in by_email
    )
    assert order.order_id in page.get(f"/staff/orders?q={order.order_id}").get_data(as_text=True)
    nothing = page.get("/staff/orders?q=nobody@example.com")
    assert nothing.status_code == 200 and "No orders found" in nothing.get_data(as_text=True)


def test_the_search_box_pages_a_customers_many_orders_with_a_more_link(app, reads):
    ann = reads.add_customer("ann@example.com")
    placed = [reads.add_order(ann, minutes=m).order_id for m in range(25)]
    page, seen, url = browser(app, account("operator")), [], "/staff/orders?q=ann@example.com"
    while url:
        html = page.get(url).get_data(as_text=True)
        seen += [order_id for order_id in placed if order_id in html]
        more = re.search(r'<a href="([^"]+)" data-test="staff-orders-more"', html)
        url = more and unescape(more.group(1))
    assert sorted(seen) == sorted(placed) and len(seen) == len(placed)


# --- one order ---------------------------------------------------------------------------


def test_the_order_shows_customer_parcels_whole_address_timeline_and_refunds(app, reads, operator):
    order = reads.add_order(reads.add_customer("ann@example.com"))
    answer = app.test_client().get(f"{API}/{order.order_id}", headers=operator).get_json()
    assert answer["customer"]["email"] == "ann@example.com"
    assert answer["shippingAddress"]["line1"] == "12 Pike St"
    assert answer["suborders"][0]["warehouse"]["id"] == 1
    assert answer["refunded"] == 0 and answer["canCancel"] is True
    page = browser(app, account("operator")).get(f"/staff/orders/{order.order_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for shown in ("ann@example.com", "12 Pike St", "Apt 3", "98101", f"{order.order_id}-S1",
                  "staff-order-actions", "staff-cancel"):  # fmt: skip
        assert shown in text, shown


def test_an_unknown_order_is_a_404(app, operator):
    client = app.test_client()
    assert client.get(f"{API}/nope", headers=operator).status_code == 404
    assert client.get(f"{API}/no%00pe", headers=operator).status_code == 404
    assert browser(app, account("operator")).get("/staff/orders/nope").status_code == 404


# --- cancelling ----------------------------------------------------------------------------


def test_the_desk_cancels_for_the_customer_with_its_reason_on_the_timeline(
    app, reads, workflow, operator
):
    ann = reads.add_customer("ann@example.com")
    order = reads.add_order(ann)
    answer = app.test_client().post(
        f"{API}/{order.order_id}/cancel",
        json={"reason": "  customer called\tin "},
        headers=operator,
    )
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "CANCELLED" and body["refunded"] == body["total"]
    assert body["timeline"][-1]["detail"] == "Cancelled by the store: customer called in"
    assert workflow.calls == [(ann.customer_id, order.order_id, "customer called in")]


def test_cancelling_a_cancelled_order_answers_it_as_it_is(app, reads, workflow, operator):
    order = reads.add_order(reads.add_customer("ann@example.com"), status="CANCELLED")
    answer = app.test_client().post(
        f"{API}/{order.order_id}/cancel", json={"reason": "again"}, headers=operator
    )
    assert answer.status_code == 200 and workflow.calls == []


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": 5},
                                  {"reason": "x" * 301}])  # fmt: skip
def test_a_cancel_without_a_readable_reason_is_a_400_and_changes_nothing(
    app, reads, workflow, operator, body
):
    order = reads.add_order(reads.add_customer("ann@example.com"))
    answer = app.test_client().post(f"{API}/{order.order_id}/cancel", json=body, headers=operator)
    assert answer.status_code == 400
    assert workflow.calls == [] and reads.orders[order.order_id].status == "PENDING"


def test_a_shipped_order_is_refused_with_409_without_asking_the_workflow(
    app, reads, workflow, operator
):
    order = reads.add_order(reads.add_customer("ann@example.com"), parcel_status="SHIPPED")
    answer = app.test_client().post(
        f"{API}/{order.order_id}/cancel", json={"reason": "late"}, headers=operator
    )
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "already_shipped"
    assert workflow.calls == []


def test_the_workflows_refusal_is_shown_clearly_on_the_page(app, reads, workflow):
    order = reads.add_order(reads.add_customer("ann@example.com"))
    workflow.answer = Refused(RefusalKind.CANNOT_CANCEL, "Part of this order has already shipped.")
    page = browser(app, account("operator")).post(
        f"/staff/orders/{order.order_id}/cancel", data={"reason": "late"}
    )
    assert page.status_code == 409
    assert "Part of this order has already shipped." in page.get_data(as_text=True)


def test_a_workflow_that_never_started_is_a_503_to_retry(app, reads, workflow, operator):
    order = reads.add_order(reads.add_customer("ann@example.com"))
    workflow.answer = WorkflowGone(started=False)
    answer = app.test_client().post(
        f"{API}/{order.order_id}/cancel", json={"reason": "late"}, headers=operator
    )
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"


def test_the_cancel_button_posts_and_comes_back_to_the_cancelled_order(app, reads, workflow):
    order = reads.add_order(reads.add_customer("ann@example.com"))
    page = browser(app, account("operator"))
    posted = page.post(f"/staff/orders/{order.order_id}/cancel", data={"reason": "fraud check"})
    assert posted.status_code == 303
    shown = page.get(posted.headers["Location"]).get_data(as_text=True)
    assert "staff-order-cancelled" in shown and "Cancelled by the store: fraud check" in shown
    other = reads.add_order(reads.add_customer("bob@example.com"))
    empty = page.post(f"/staff/orders/{other.order_id}/cancel", data={"reason": " "})
    assert empty.status_code == 400 and "Say why" in empty.get_data(as_text=True)
    assert reads.orders[other.order_id].status == "PENDING"
