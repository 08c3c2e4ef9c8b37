"""`GET /api/v1/orders` and `/api/v1/orders/<orderID>` on the fakes: newest first, a cursor
on (ordered date, id) that never repeats or skips an order and is bound to its shopper
and its `since`, a 4xx with a message for every bad argument, nothing cached.

The order reads' contract test (the same walks on PostgreSQL) is
tests/web/test_orders_contract.py; a placed order read back is in test_orders_api.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.fakes.orders import order_view

pytestmark = pytest.mark.web

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def client(fake_shop):
    return fake_shop.app.test_client()


@pytest.fixture
def shopper(fake_shop):
    user = fake_shop.new_user()
    return user.id, fake_shop.api_headers(user)


@pytest.fixture
def history(fake_shop, shopper):
    """7 orders: one a day for a week, the oldest 200 days ago. Newest first."""
    user_id, headers = shopper
    dates = [NOW - timedelta(days=200)] + [NOW - timedelta(days=d) for d in range(6, 0, -1)]
    ids = [fake_shop.orders.add(user_id, order_view(at)).order_id for at in dates]
    return headers, list(reversed(ids))


def walk(client, headers, query: str) -> tuple[list[str], int]:
    """Every order id a client sees by following nextCursor from `query`; and the pages."""
    seen: list[str] = []
    pages = 0
    url: str | None = f"/api/v1/orders?{query}"
    while url:
        answer = client.get(url, headers=headers)
        assert answer.status_code == 200, answer.get_json()
        assert answer.headers["Cache-Control"] == "private, no-store"
        body = answer.get_json()
        seen += [order["orderID"] for order in body["orders"]]
        pages += 1
        url = (
            f"/api/v1/orders?{query}&nextCursor={body['nextCursor']}"
            if body["nextCursor"]
            else None
        )
    return seen, pages


def test_an_order_is_listed_with_its_lines_dates_and_status(fake_shop, client, shopper):
    user_id, headers = shopper
    placed = fake_shop.orders.add(
        user_id, order_view(NOW, name="Desk Lamp", quantity=2, unit_price=4_200)
    )

    body = client.get("/api/v1/orders", headers=headers).get_json()

    assert body["nextCursor"] is None and body["limit"] == 20
    (order,) = body["orders"]
    assert order == {
        "orderID": placed.order_id,
        "orderedDate": NOW.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "arrivalDate": (NOW + timedelta(days=5)).date().isoformat(),
        "status": "PENDING",
        "total": 8_400,
        "cart": [{"itemID": 7, "name": "Desk Lamp", "quantity": 2, "unitPrice": 4_200}],
    }
    detail = client.get(f"/api/v1/orders/{placed.order_id}", headers=headers)
    assert detail.headers["Cache-Control"] == "private, no-store"
    assert detail.get_json()["card"] == {"brand": "visa", "last4": "4242"}
    assert detail.get_json()["shippingAddress"]["city"] == "Seattle"
    assert detail.get_json()["canCancel"] is True and detail.get_json()["suborders"] == []
    assert "cardNumber" not in json.dumps(detail.get_json())


def test_orders_come_newest_first_and_the_cursor_walks_them_without_repeats(client, history):
    headers, newest_first = history

    seen, pages = walk(client, headers, "limit=3")

    assert seen == newest_first and pages == 3


def test_an_order_placed_while_paging_neither_repeats_nor_shifts_the_next_page(
    fake_shop, client, shopper, history
):
    headers, newest_first = history
    first = client.get("/api/v1/orders?limit=2", headers=headers).get_json()
    fake_shop.orders.add(shopper[0], order_view(NOW))  # newer than everything

    second = client.get(
        f"/api/v1/orders?limit=2&nextCursor={first['nextCursor']}", headers=headers
    ).get_json()

    assert [o["orderID"] for o in second["orders"]] == newest_first[2:4]


def test_since_keeps_only_orders_from_that_date_on(client, history):
    headers, newest_first = history
    since = (NOW - timedelta(days=90)).date().isoformat()

    body = client.get(f"/api/v1/orders?since={since}", headers=headers).get_json()

    assert [o["orderID"] for o in body["orders"]] == newest_first[:6]
    instant = client.get(
        "/api/v1/orders?since=" + (NOW - timedelta(days=2, hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        headers=headers,
    ).get_json()
    assert [o["orderID"] for o in instant["orders"]] == newest_first[:2]


def test_since_accepts_an_instant_with_any_utc_offset(client, history):
    headers, newest_first = history
    in_berlin = (NOW - timedelta(days=2, hours=1)).astimezone(timezone(timedelta(hours=2)))

    body = client.get(
        "/api/v1/orders", query_string={"since": in_berlin.isoformat()}, headers=headers
    ).get_json()

    assert [o["orderID"] for o in body["orders"]] == newest_first[:2]


def test_the_cursor_never_skips_or_repeats_orders_placed_at_the_very_same_instant(
    fake_shop, client, shopper
):
    user_id, headers = shopper
    same = NOW - timedelta(days=3)
    at = [same] * 17 + [NOW - timedelta(days=d) for d in (1, 2, 4, 5, 6, 40)]
    placed = {fake_shop.orders.add(user_id, order_view(when)).order_id: when for when in at}
    newest_first = sorted(placed, key=lambda order_id: (placed[order_id], order_id), reverse=True)

    seen, pages = walk(client, headers, "limit=5")

    assert seen == newest_first
    assert len(set(seen)) == 23 and pages == 5
    since = "limit=4&since=" + same.isoformat().replace("+00:00", "Z")
    assert walk(client, headers, since)[0] == newest_first[:19]


def test_another_shoppers_cursor_is_a_400_not_a_page_of_their_orders(fake_shop, client, history):
    headers, _ = history
    cursor = client.get("/api/v1/orders?limit=2", headers=headers).get_json()["nextCursor"]
    other = fake_shop.new_user()
    fake_shop.orders.add(other.id, order_view(NOW - timedelta(days=30)))

    answer = client.get(
        f"/api/v1/orders?limit=2&nextCursor={cursor}", headers=fake_shop.api_headers(other)
    )

    assert answer.status_code == 400
    assert "nextCursor" in answer.get_json()["error"]["message"]


def test_a_cursor_followed_with_another_since_is_a_400(client, history):
    headers, _ = history
    since = (NOW - timedelta(days=90)).date().isoformat()
    cursor = client.get("/api/v1/orders?limit=2", headers=headers).get_json()["nextCursor"]

    other_query = client.get(
        f"/api/v1/orders?limit=2&since={since}&nextCursor={cursor}", headers=headers
    )
    same_query = client.get(f"/api/v1/orders?limit=5&nextCursor={cursor}", headers=headers)

    assert other_query.status_code == 400
    assert same_query.status_code == 200  # the page size may change, the query may not


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("limit=-1", "limit"),
        ("since=yesterday", "since"),
        ("since=2026-13-45", "since"),
        ("nextCursor=garbage!", "nextCursor"),
        ("nextCursor=WyJ4Il0", "nextCursor"),
    ],
)
def test_a_bad_argument_is_a_400_with_a_message(client, shopper, query, wanted):
    answer = client.get(f"/api/v1/orders?{query}", headers=shopper[1])

    assert answer.status_code == 400
    assert wanted in answer.get_json()["error"]["message"]
    assert answer.headers["Cache-Control"] == "private, no-store"


def test_an_unknown_or_foreign_order_is_a_404(fake_shop, client, shopper):
    theirs = fake_shop.orders.add(fake_shop.new_user().id, order_view(NOW)).order_id

    for order_id in ("0" * 32, "x" * 300, "%00", theirs):
        answer = client.get(f"/api/v1/orders/{order_id}", headers=shopper[1])
        assert answer.status_code == 404
        assert answer.get_json()["error"]["message"]


def test_the_orders_api_needs_a_token(client):
    assert client.get("/api/v1/orders").status_code == 401
    assert client.get("/api/v1/orders/abc").status_code == 401
