"""A client written only from the design write-up's "API design" section shops end to end
against a served store (real HTTP, the session's real PostgreSQL, Redis, Typesense,
Temporal server and worker): search with `filter`, PATCH the cart, BEGIN with the
write-up's `{cart}`, POST the payment URL, SUBMIT with no body, GET its orders, and
CANCEL `{orderID}`. Stock comes back and I1-I3 hold."""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.web.shoppers import PASSWORD, new_email

pytestmark = [pytest.mark.web, pytest.mark.integration]


@pytest.fixture(scope="module")
def store_url(stack_settings, demo_catalog, checkout_worker):
    """The storefront served over real HTTP on a free port (werkzeug, threaded)."""
    from werkzeug.serving import make_server

    from entrypoints.web_services import build_web_app

    app = build_web_app(stack_settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api/v1"
    server.shutdown()
    app.extensions["shopflow"].close()


@pytest.fixture
def api(store_url):
    with httpx.Client(base_url=store_url, timeout=90) as client:
        yield client


def test_a_client_written_from_the_write_up_searches_buys_and_cancels(
    api, demo_catalog, assert_invariants
):
    wanted = next(i for i in demo_catalog if i.total_stock >= 5 and '"' not in i.brand + i.category)
    email = new_email("writeup")
    assert api.post("/auth/register", json={"email": email, "password": PASSWORD}).is_success
    token = api.post("/auth/token", json={"email": email, "password": PASSWORD}).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}

    # GET /items?query&nextCursor&limit&filter
    found = api.get(
        "/items",
        params={
            "query": wanted.name,
            "limit": 50,
            "filter": f'category:"{wanted.category}",brand:"{wanted.brand}",inStock:true',
        },
    )
    assert found.status_code == 200, found.text
    hits = found.json()["items"]
    assert wanted.id in [hit["itemID"] for hit in hits]
    assert {(hit["brand"], hit["category"]) for hit in hits} == {(wanted.brand, wanted.category)}
    stock_before = api.get(f"/items/{wanted.id}").json()["stock"]

    # PATCH /cart?op=ADD {itemID, quantity}
    added = api.patch(
        "/cart", params={"op": "ADD"}, json={"itemID": wanted.id, "quantity": 2}, headers=bearer
    )
    assert added.status_code == 200, added.text

    # POST /checkout?op=BEGIN {cart: [{itemID, quantity}]} -> {paymentInputURL}
    begun = api.post(
        "/checkout",
        params={"op": "BEGIN"},
        json={"cart": [{"itemID": wanted.id, "quantity": 2}]},
        headers=bearer,
    )
    assert begun.status_code == 201, begun.text
    payment_url = begun.json()["paymentInputURL"]
    assert api.get(f"/items/{wanted.id}").json()["stock"] == stock_before - 2

    # POST /<paymentInputURL> {paymentDetails, shippingAddress}
    paid = httpx.post(
        str(api.base_url.join(payment_url)),
        json={
            "paymentDetails": {
                "cardNumber": "4242 4242 4242 4242",
                "expiry": "12/34",
                "cvc": "123",
                "name": "Wendy Writeup",
            },
            "shippingAddress": {
                "name": "Wendy Writeup",
                "line1": "1 Main St",
                "city": "Seattle",
                "postalCode": "98101",
                "country": "US",
            },
        },
        headers=bearer,
        timeout=90,
    )
    assert paid.status_code == 200, paid.text

    # POST /checkout?op=SUBMIT (no body: the write-up's SUBMIT names nothing)
    submitted = api.post("/checkout", params={"op": "SUBMIT"}, headers=bearer)
    assert submitted.status_code == 201, submitted.text
    order_id = submitted.json()["orderID"]

    # GET /orders?nextCursor&limit&filtering
    orders = api.get("/orders", params={"limit": 10}, headers=bearer).json()
    assert [o["orderID"] for o in orders["orders"]] == [order_id]
    assert orders["orders"][0]["cart"][0]["itemID"] == wanted.id
    assert orders["orders"][0]["cart"][0]["quantity"] == 2

    # POST /checkout?op=CANCEL {orderID}
    cancelled = api.post(
        "/checkout", params={"op": "CANCEL"}, json={"orderID": order_id}, headers=bearer
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "CANCELLED"
    assert api.get(f"/items/{wanted.id}").json()["stock"] == stock_before
    assert_invariants()
