"""Every status the OpenAPI document promises can really be provoked, and its body is the
documented one: a table of one request per (operation, status), run against the real app,
the real worker and real PostgreSQL / Redis / Typesense / Temporal (or one of them shut,
for a 503). A documented status with no line here fails, as does a line for a status
the document does not list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema_rs
import pytest

from tests.web.checkout_calls import DECLINED, payment, place_order
from tests.web.openapi_staff import STAFF_PROVOKE
from tests.web.openapi_world import (
    HOME_ADDRESS,
    NO_SUCH_CHECKOUT,
    NO_SUCH_ITEM,
    NO_SUCH_WAREHOUSE,
    World,
    _address_book_full,
    _begin_throttled,
    _cancel_unshipped,
    _cancel_unshipped_temporal_down,
    _cancel_unshipped_throttled,
    _deliver,
    _hot,
    _join_hot_line,
    _on_saved_address,
    _order,
    _password,
    _pay,
    _pay_cancelled,
    _pay_throttled,
    _register_throttled,
    _register_twice,
    _reset_confirmed,
    _reset_throttled,
    _restock,
    _restock_key_reused,
    _return,
    _return_before_delivery,
    _review,
    _review_page_cursor,
    _reviewer,
    _ship,
    _shopper_writes_throttled,
    _staff_refund,
    _staff_refund_key_reused,
    _state,
    _ticket,
    _token,
    _token_throttled,
    _token_without_redis,
    _unknown_parameter,
    _wh,
)
from tests.web.openapi_world import (
    REVIEW as REVIEW_BODY,
)
from tests.web.shoppers import PASSWORD, new_email
from web.openapi import document

pytest_plugins = [
    "tests.web.checkout_fixtures",
    "tests.web.warehouse_fixtures",
    "tests.web.waiting_room_fixtures",
]
pytestmark = [pytest.mark.web, pytest.mark.integration]

Provoke = Callable[[World], Any]
CANCEL_UNSHIPPED = "/api/v1/orders/{orderID}/cancel-unshipped"


def _cancel_unshipped_nothing_shipped(w: World):
    shopper = w.shopper({w.item(): 1})
    order_id = place_order(w.shop, shopper)["orderID"]
    return w.post(f"/api/v1/orders/{order_id}/cancel-unshipped", shopper)


# (method, documented path, status) -> a request that answers it.
PROVOKE: dict[tuple[str, str, int], Provoke] = {
    # the waiting room
    ("post", "/api/v1/checkout", 202): _join_hot_line,
    ("get", "/api/v1/waiting-room/tickets/{ticketID}", 200): _ticket,
    ("get", "/api/v1/waiting-room/tickets/{ticketID}", 401): lambda w: w.get(
        "/api/v1/waiting-room/tickets/nope"
    ),
    ("get", "/api/v1/waiting-room/tickets/{ticketID}", 404): lambda w: w.get(
        "/api/v1/waiting-room/tickets/nope", w.shopper()
    ),
    ("get", "/api/v1/waiting-room/tickets/{ticketID}/events", 200): lambda w: _join_hot_line(
        w, lambda shopper, place: w.ticket_stream(place["eventsURL"], shopper)
    ),
    ("get", "/api/v1/waiting-room/tickets/{ticketID}/events", 401): lambda w: w.ticket_stream(
        "/api/v1/waiting-room/tickets/nope/events"
    ),
    ("get", "/api/v1/waiting-room/tickets/{ticketID}/events", 404): lambda w: w.ticket_stream(
        "/api/v1/waiting-room/tickets/nope/events", w.shopper()
    ),
    ("put", "/api/v1/items/{itemID}/hot", 200): lambda w: _hot(w, w.item(), False),
    ("put", "/api/v1/items/{itemID}/hot", 400): lambda w: w.shop.put(
        f"/api/v1/items/{w.item()}/hot",
        json={"enabled": "yes"},
        headers=w.fixture("staff").headers,
    ),
    ("put", "/api/v1/items/{itemID}/hot", 401): lambda w: _hot(w, w.item(), False, {}),
    ("put", "/api/v1/items/{itemID}/hot", 403): lambda w: _hot(
        w, w.item(), False, w.shopper().headers
    ),
    ("put", "/api/v1/items/{itemID}/hot", 404): lambda w: _hot(w, NO_SUCH_ITEM, False),
    ("get", "/api/v1/waiting-rooms", 200): lambda w: w.shop.get(
        "/api/v1/waiting-rooms", headers=w.fixture("staff").headers
    ),
    ("get", "/api/v1/waiting-rooms", 401): lambda w: w.get("/api/v1/waiting-rooms"),
    ("get", "/api/v1/waiting-rooms", 403): lambda w: w.get("/api/v1/waiting-rooms", w.shopper()),
    # search and items (the web tests' catalogue)
    ("get", "/api/v1/items", 200): lambda w: w.get(
        "/api/v1/items?query=kettle", client=w.catalogue
    ),
    ("get", "/api/v1/items", 400): lambda w: w.get("/api/v1/items?limit=0", client=w.catalogue),
    ("get", "/api/v1/items", 503): lambda w: w.get("/api/v1/items?query=x", client=w.search_down()),
    ("get", "/api/v1/items/{itemID}", 200): lambda w: w.get(f"/api/v1/items/{w.item()}"),
    ("get", "/api/v1/items/{itemID}", 400): lambda w: w.get("/api/v1/items/abc"),
    ("get", "/api/v1/items/{itemID}", 404): lambda w: w.get(f"/api/v1/items/{NO_SUCH_ITEM}"),
    ("get", "/api/v1/items/{itemID}/stock/events", 200): lambda w: w.stream("1"),
    ("get", "/api/v1/items/{itemID}/stock/events", 404): lambda w: w.stream(str(NO_SUCH_ITEM)),
    # accounts
    ("post", "/api/v1/auth/register", 201): lambda w: w.post(
        "/api/v1/auth/register", json={"email": new_email("new"), "password": PASSWORD}
    ),
    ("post", "/api/v1/auth/register", 400): lambda w: w.post("/api/v1/auth/register", json={}),
    ("post", "/api/v1/auth/register", 409): _register_twice,
    ("post", "/api/v1/auth/token", 200): _token,
    ("post", "/api/v1/auth/token", 400): lambda w: w.post("/api/v1/auth/token", json={}),
    ("post", "/api/v1/auth/token", 401): lambda w: w.post(
        "/api/v1/auth/token", json={"email": new_email("nobody"), "password": "wrong one"}
    ),
    ("post", "/api/v1/auth/token", 429): _token_throttled,
    ("post", "/api/v1/auth/token", 503): _token_without_redis,
    ("post", "/api/v1/auth/register", 429): _register_throttled,
    ("post", "/api/v1/auth/password-reset", 202): lambda w: w.post(
        "/api/v1/auth/password-reset", json={"email": new_email("reset")}
    ),
    ("post", "/api/v1/auth/password-reset", 400): lambda w: w.post(
        "/api/v1/auth/password-reset", json={"email": 7}
    ),
    ("post", "/api/v1/auth/password-reset", 429): _reset_throttled,
    ("post", "/api/v1/auth/password-reset/confirm", 204): _reset_confirmed,
    ("post", "/api/v1/auth/password-reset/confirm", 400): lambda w: w.post(
        "/api/v1/auth/password-reset/confirm", json={"token": "used-or-never", "password": "x"}
    ),
    ("post", "/api/v1/auth/password-reset/confirm", 429): lambda w: _reset_throttled(
        w, "/api/v1/auth/password-reset/confirm", {"token": "t", "password": "p"}
    ),
    ("post", "/api/v1/auth/password", 204): _password,
    ("post", "/api/v1/auth/password", 400): lambda w: _password(w, new="short"),
    ("post", "/api/v1/auth/password", 401): lambda w: w.post(
        "/api/v1/auth/password", json={"currentPassword": "x", "newPassword": "y"}
    ),
    ("post", "/api/v1/auth/password", 403): lambda w: _password(w, current="not it at all"),
    ("post", "/api/v1/auth/sign-out-everywhere", 204): lambda w: w.post(
        "/api/v1/auth/sign-out-everywhere", w.shopper()
    ),
    ("post", "/api/v1/auth/sign-out-everywhere", 401): lambda w: w.post(
        "/api/v1/auth/sign-out-everywhere"
    ),
    ("post", "/api/v1/checkout", 429): _begin_throttled,
    ("post", "/api/v1/checkout/{checkoutID}/payment", 429): _pay_throttled,
    # cart
    ("get", "/api/v1/cart", 200): lambda w: w.get("/api/v1/cart", w.shopper()),
    ("get", "/api/v1/cart", 401): lambda w: w.get("/api/v1/cart"),
    ("patch", "/api/v1/cart", 200): lambda w: w.patch(
        "/api/v1/cart?op=ADD", w.shopper(), json={"itemID": w.item(), "quantity": 1}
    ),
    ("patch", "/api/v1/cart", 400): lambda w: w.patch(
        "/api/v1/cart", w.shopper(), json={"itemID": 1, "quantity": 1}
    ),
    ("patch", "/api/v1/cart", 401): lambda w: w.patch(
        "/api/v1/cart?op=ADD", json={"itemID": 1, "quantity": 1}
    ),
    ("patch", "/api/v1/cart", 404): lambda w: w.patch(
        "/api/v1/cart?op=ADD", w.shopper(), json={"itemID": NO_SUCH_ITEM, "quantity": 1}
    ),
    ("patch", "/api/v1/cart", 429): lambda w: _shopper_writes_throttled(
        w, "patch", "/api/v1/cart?op=ADD", json={"itemID": w.item(), "quantity": 1}
    ),
    ("patch", "/api/v1/cart", 409): lambda w: w.patch(
        "/api/v1/cart?op=ADD", w.shopper(), json={"itemID": w.item(1), "quantity": 5}
    ),
    # checkout
    ("post", "/api/v1/checkout", 200): lambda w: w.post(
        "/api/v1/checkout?op=CANCEL", w.with_a_checkout()[0]
    ),
    ("post", "/api/v1/checkout", 201): lambda w: w.post(
        "/api/v1/checkout?op=BEGIN", w.shopper({w.item(): 1})
    ),
    ("post", "/api/v1/checkout", 400): lambda w: w.post("/api/v1/checkout", w.shopper()),
    ("post", "/api/v1/checkout", 401): lambda w: w.post("/api/v1/checkout?op=BEGIN"),
    ("post", "/api/v1/checkout", 404): lambda w: w.post(
        "/api/v1/checkout?op=CANCEL", w.shopper(), json={"checkoutID": NO_SUCH_CHECKOUT}
    ),
    ("post", "/api/v1/checkout", 409): lambda w: w.post("/api/v1/checkout?op=SUBMIT", w.shopper()),
    ("post", "/api/v1/checkout", 422): lambda w: w.post("/api/v1/checkout?op=BEGIN", w.shopper()),
    ("post", "/api/v1/checkout", 503): lambda w: w.post(
        "/api/v1/checkout?op=SUBMIT", w.shopper(), client=w.temporal_down()
    ),
    ("get", "/api/v1/checkout/{checkoutID}", 200): _state,
    ("get", "/api/v1/checkout/{checkoutID}", 401): lambda w: w.get(
        f"/api/v1/checkout/{NO_SUCH_CHECKOUT}"
    ),
    ("get", "/api/v1/checkout/{checkoutID}", 404): lambda w: w.get(
        f"/api/v1/checkout/{NO_SUCH_CHECKOUT}", w.shopper()
    ),
    ("get", "/api/v1/checkout/{checkoutID}", 503): lambda w: w.get(
        f"/api/v1/checkout/{NO_SUCH_CHECKOUT}", w.shopper(), client=w.temporal_down()
    ),
    ("post", "/api/v1/checkout/{checkoutID}/payment", 200): _pay,
    ("post", "/api/v1/checkout/{checkoutID}/payment", 400): lambda w: w.post(
        f"/api/v1/checkout/{NO_SUCH_CHECKOUT}/payment", w.shopper(), json={}
    ),
    ("post", "/api/v1/checkout/{checkoutID}/payment", 401): lambda w: w.post(
        f"/api/v1/checkout/{NO_SUCH_CHECKOUT}/payment", json=payment()
    ),
    ("post", "/api/v1/checkout/{checkoutID}/payment", 402): lambda w: _pay(w, DECLINED),
    ("post", "/api/v1/checkout/{checkoutID}/payment", 404): lambda w: w.post(
        f"/api/v1/checkout/{NO_SUCH_CHECKOUT}/payment", w.shopper(), json=payment()
    ),
    ("post", "/api/v1/checkout/{checkoutID}/payment", 409): _pay_cancelled,
    ("post", "/api/v1/checkout/{checkoutID}/payment", 422): lambda w: _pay(w, "1234 5678"),
    ("post", "/api/v1/checkout/{checkoutID}/payment", 503): lambda w: w.post(
        f"/api/v1/checkout/{NO_SUCH_CHECKOUT}/payment",
        w.shopper(),
        client=w.temporal_down(),
        json=payment(),
    ),
    # orders
    ("get", "/api/v1/orders", 200): lambda w: w.get("/api/v1/orders", w.shopper()),
    ("get", "/api/v1/orders", 400): lambda w: w.get("/api/v1/orders?limit=0", w.shopper()),
    ("get", "/api/v1/orders", 401): lambda w: w.get("/api/v1/orders"),
    ("get", "/api/v1/orders/{orderID}", 200): _order,
    ("get", "/api/v1/orders/{orderID}", 401): lambda w: w.get("/api/v1/orders/x"),
    ("get", "/api/v1/orders/{orderID}", 404): lambda w: w.get("/api/v1/orders/x", w.shopper()),
    ("post", CANCEL_UNSHIPPED, 200): _cancel_unshipped,
    ("post", CANCEL_UNSHIPPED, 400): lambda w: w.post("/api/v1/orders/x/cancel-unshipped?bogus=1"),
    ("post", CANCEL_UNSHIPPED, 401): lambda w: w.post("/api/v1/orders/x/cancel-unshipped"),
    ("post", CANCEL_UNSHIPPED, 404): lambda w: w.post(
        "/api/v1/orders/x/cancel-unshipped", w.shopper()
    ),
    # nothing of the order has shipped yet: cancel the whole order instead
    ("post", CANCEL_UNSHIPPED, 409): lambda w: _cancel_unshipped_nothing_shipped(w),
    ("post", CANCEL_UNSHIPPED, 429): _cancel_unshipped_throttled,
    ("post", CANCEL_UNSHIPPED, 503): _cancel_unshipped_temporal_down,
    # warehouse staff
    ("get", "/api/v1/warehouses", 200): lambda w: w.staff_get("/api/v1/warehouses"),
    ("get", "/api/v1/warehouses", 401): lambda w: w.staff_get("/api/v1/warehouses", {}),
    ("get", "/api/v1/warehouses", 403): lambda w: w.staff_get("/api/v1/warehouses", w.not_staff),
    ("get", "/api/v1/warehouses/{warehouseID}/suborders", 200): lambda w: w.staff_get(
        _wh("/api/v1/warehouses/{w}/suborders")
    ),
    ("get", "/api/v1/warehouses/{warehouseID}/suborders", 400): lambda w: w.staff_get(
        _wh("/api/v1/warehouses/{w}/suborders?status=LOST")
    ),
    ("get", "/api/v1/warehouses/{warehouseID}/suborders", 401): lambda w: w.staff_get(
        _wh("/api/v1/warehouses/{w}/suborders"), {}
    ),
    ("get", "/api/v1/warehouses/{warehouseID}/suborders", 403): lambda w: w.staff_get(
        _wh("/api/v1/warehouses/{w}/suborders"), w.not_staff
    ),
    ("get", "/api/v1/warehouses/{warehouseID}/suborders", 404): lambda w: w.staff_get(
        f"/api/v1/warehouses/{NO_SUCH_WAREHOUSE}/suborders"
    ),
    ("post", "/api/v1/warehouses/{warehouseID}/restock", 200): _restock,
    ("post", "/api/v1/warehouses/{warehouseID}/restock", 400): lambda w: _restock(w, quantity=0),
    ("post", "/api/v1/warehouses/{warehouseID}/restock", 401): lambda w: w.staff_post(
        _wh("/api/v1/warehouses/{w}/restock"), {}, json={"itemID": 1, "quantity": 1}
    ),
    ("post", "/api/v1/warehouses/{warehouseID}/restock", 403): lambda w: w.staff_post(
        _wh("/api/v1/warehouses/{w}/restock"), w.not_staff, json={"itemID": 1, "quantity": 1}
    ),
    ("post", "/api/v1/warehouses/{warehouseID}/restock", 404): lambda w: _restock(
        w, str(NO_SUCH_WAREHOUSE)
    ),
    ("post", "/api/v1/warehouses/{warehouseID}/restock", 409): lambda w: _restock(w, "7103"),
    ("post", "/api/v1/warehouses/{warehouseID}/restock", 422): lambda w: _restock_key_reused(w),
    ("get", "/api/v1/openapi.json", 200): lambda w: w.get("/api/v1/openapi.json"),
    # the order desk and stock corrections (tests/web/openapi_staff.py)
    **STAFF_PROVOKE,
    # the address book and recommendations (web/account/api.py, recommendations.py)
    ("get", "/api/v1/addresses", 200): lambda w: w.get("/api/v1/addresses", w.shopper()),
    ("get", "/api/v1/addresses", 401): lambda w: w.get("/api/v1/addresses"),
    ("post", "/api/v1/addresses", 201): lambda w: w.post(
        "/api/v1/addresses", w.shopper(), json=HOME_ADDRESS
    ),
    ("post", "/api/v1/addresses", 400): lambda w: w.post("/api/v1/addresses", w.shopper(), json=[]),
    ("post", "/api/v1/addresses", 401): lambda w: w.post("/api/v1/addresses", json=HOME_ADDRESS),
    ("post", "/api/v1/addresses", 409): lambda w: _address_book_full(w),
    ("post", "/api/v1/addresses", 429): lambda w: _shopper_writes_throttled(
        w, "post", "/api/v1/addresses", json=HOME_ADDRESS
    ),
    ("put", "/api/v1/addresses/{addressID}", 429): lambda w: _shopper_writes_throttled(
        w, "put", "/api/v1/addresses/{addressID}", json=HOME_ADDRESS
    ),
    ("delete", "/api/v1/addresses/{addressID}", 429): lambda w: _shopper_writes_throttled(
        w, "delete", "/api/v1/addresses/{addressID}"
    ),
    ("post", "/api/v1/addresses", 422): lambda w: w.post(
        "/api/v1/addresses", w.shopper(), json={**HOME_ADDRESS, "country": "Narnia"}
    ),
    ("get", "/api/v1/addresses/{addressID}", 200): lambda w: _on_saved_address(w, "get"),
    ("get", "/api/v1/addresses/{addressID}", 401): lambda w: w.get("/api/v1/addresses/1"),
    ("get", "/api/v1/addresses/{addressID}", 404): lambda w: w.get(
        "/api/v1/addresses/999999999", w.shopper()
    ),
    ("put", "/api/v1/addresses/{addressID}", 200): lambda w: _on_saved_address(
        w, "put", json=HOME_ADDRESS
    ),
    ("put", "/api/v1/addresses/{addressID}", 400): lambda w: _on_saved_address(
        w, "put", data="not json", content_type="application/json"
    ),
    ("put", "/api/v1/addresses/{addressID}", 401): lambda w: w.shop.put(
        "/api/v1/addresses/1", json=HOME_ADDRESS
    ),
    ("put", "/api/v1/addresses/{addressID}", 404): lambda w: w.shop.put(
        "/api/v1/addresses/999999999", json=HOME_ADDRESS, headers=w.shopper().headers
    ),
    ("put", "/api/v1/addresses/{addressID}", 422): lambda w: _on_saved_address(
        w, "put", json={**HOME_ADDRESS, "postalCode": "00000"}
    ),
    ("delete", "/api/v1/addresses/{addressID}", 204): lambda w: _on_saved_address(w, "delete"),
    ("delete", "/api/v1/addresses/{addressID}", 401): lambda w: w.shop.delete(
        "/api/v1/addresses/1"
    ),
    ("delete", "/api/v1/addresses/{addressID}", 404): lambda w: w.shop.delete(
        "/api/v1/addresses/999999999", headers=w.shopper().headers
    ),
    ("get", "/api/v1/recommendations", 200): lambda w: w.get(
        "/api/v1/recommendations?limit=3", w.shopper()
    ),
    ("get", "/api/v1/recommendations", 400): lambda w: w.get("/api/v1/recommendations?limit=0"),
}


RETURNS = "/api/v1/orders/{orderID}/returns"
RETURN = "/api/v1/orders/{orderID}/returns/{returnID}"
RECEIVE = "/api/v1/warehouses/{warehouseID}/returns/{returnID}/receive"
A_RETURN = {"lines": [{"itemID": 1, "quantity": 1}], "reason": "Changed my mind"}
PROVOKE.update(
    {
        ("post", RETURNS, 201): _return,
        ("post", RETURNS, 400): lambda w: w.post(
            "/api/v1/orders/x/returns", w.shopper(), json={"lines": []}
        ),
        ("post", RETURNS, 401): lambda w: w.post("/api/v1/orders/x/returns", json=A_RETURN),
        ("post", RETURNS, 404): lambda w: w.post(
            "/api/v1/orders/x/returns", w.shopper(), json=A_RETURN
        ),
        ("post", RETURNS, 409): _return_before_delivery,
        ("get", RETURN, 200): lambda w: _return(w, "get"),
        ("get", RETURN, 401): lambda w: w.get("/api/v1/orders/x/returns/y"),
        ("get", RETURN, 404): lambda w: w.get("/api/v1/orders/x/returns/y", w.shopper()),
        ("post", RECEIVE, 200): lambda w: _return(w, "receive"),
        ("post", RECEIVE, 401): lambda w: w.post("/api/v1/warehouses/1/returns/y/receive"),
        ("post", RECEIVE, 403): lambda w: w.post(
            "/api/v1/warehouses/1/returns/y/receive", w.shopper()
        ),
        ("post", RECEIVE, 404): lambda w: w.shop.post(
            "/api/v1/warehouses/1/returns/RT-NONE/receive", headers=w.fixture("staff").headers
        ),
    }
)

REFUNDS = "/api/v1/staff/orders/{orderID}/refunds"
PROVOKE.update(
    {
        ("post", REFUNDS, 201): _staff_refund,
        ("post", REFUNDS, 400): lambda w: w.shop.post(
            "/api/v1/staff/orders/x/refunds",
            json={"reason": "Goodwill"},
            headers=w.fixture("staff").headers,  # no Idempotency-Key
        ),
        ("post", REFUNDS, 401): lambda w: w.post(
            "/api/v1/staff/orders/x/refunds", json={"reason": "Goodwill"}
        ),
        ("post", REFUNDS, 403): lambda w: _staff_refund(w, headers=w.shopper().headers),
        ("post", REFUNDS, 404): lambda w: w.shop.post(
            "/api/v1/staff/orders/no-such-order/refunds",
            json={"reason": "Goodwill"},
            headers={**w.fixture("staff").headers, "Idempotency-Key": "k-1"},
        ),
        ("post", REFUNDS, 409): lambda w: _staff_refund(
            w, {"lines": [{"itemID": 1, "quantity": 1}], "reason": "Not in the order"}
        ),
        ("post", REFUNDS, 422): _staff_refund_key_reused,
    }
)


def _suborder_cases(action: str) -> dict[tuple[str, str, int], Provoke]:
    path = f"/api/v1/warehouses/{{warehouseID}}/suborders/{{suborderID}}/{action}"
    url = "/api/v1/warehouses/{w}/suborders/{s}/" + action
    return {
        ("post", path, 200): _ship if action == "ship" else _deliver,
        ("post", path, 400): lambda w: w.staff_post(f"/api/v1/warehouses/abc/suborders/x/{action}"),
        ("post", path, 401): lambda w: w.staff_post(_wh(url), {}),
        ("post", path, 403): lambda w: w.staff_post(_wh(url), w.not_staff),
        ("post", path, 404): lambda w: w.staff_post(_wh(url)),
        # shipping a cancelled suborder; delivering one that never shipped
        ("post", path, 409): lambda w: w.staff_post(
            _wh(url).replace("no-such-suborder", w.cancelled_suborder())
            if action == "ship"
            else _wh(url).replace("no-such-suborder", w.assigned_suborder())
        ),
    }


R = "/api/v1/items/{itemID}/reviews"
PROVOKE.update(
    {
        ("get", R, 200): lambda w: _review(w, "list"),
        ("get", R, 400): _review_page_cursor,
        ("get", R, 404): lambda w: w.get(f"/api/v1/items/{NO_SUCH_ITEM}/reviews"),
        ("post", R, 201): lambda w: _review(w),
        ("post", R, 400): lambda w: _review(w, body=[]),
        ("post", R, 401): lambda w: w.post(f"/api/v1/items/{w.item()}/reviews", json={}),
        ("post", R, 403): lambda w: w.post(
            f"/api/v1/items/{w.item()}/reviews", w.shopper(), json={"rating": 5}
        ),
        ("post", R, 404): lambda w: w.post(
            f"/api/v1/items/{NO_SUCH_ITEM}/reviews", w.shopper(), json={"rating": 5}
        ),
        ("post", R, 409): lambda w: _review(w, "again"),
        ("post", R, 422): lambda w: _review(w, rating=9),
        ("post", R, 429): lambda w: _review(w, "throttled"),
        ("get", R + "/mine", 200): lambda w: _review(w, "get"),
        ("get", R + "/mine", 400): lambda w: w.get("/api/v1/items/x/reviews/mine", w.shopper()),
        ("get", R + "/mine", 401): lambda w: w.get(f"/api/v1/items/{w.item()}/reviews/mine"),
        ("get", R + "/mine", 404): lambda w: w.get(
            f"/api/v1/items/{_reviewer(w)[1]}/reviews/mine", w.shopper()
        ),
        ("put", R + "/mine", 200): lambda w: _review(w, "put", rating=2),
        ("put", R + "/mine", 400): lambda w: w.shop.put(
            "/api/v1/items/x/reviews/mine", json=REVIEW_BODY, headers=w.shopper().headers
        ),
        ("put", R + "/mine", 401): lambda w: w.shop.put(
            f"/api/v1/items/{w.item()}/reviews/mine", json=REVIEW_BODY
        ),
        ("put", R + "/mine", 404): lambda w: w.shop.put(
            f"/api/v1/items/{w.item()}/reviews/mine", json=REVIEW_BODY, headers=w.shopper().headers
        ),
        ("put", R + "/mine", 422): lambda w: _review(w, "put", title=""),
        ("put", R + "/mine", 429): lambda w: _review(w, "edit-throttled"),
    }
)
PROVOKE.update(_suborder_cases("ship"))
PROVOKE.update(_suborder_cases("deliver"))
# Every operation refuses an undocumented query parameter (web/query_parameters.py): the
# 400 of those that answer no other is provoked with `?bogus=1`.
PROVOKE.update(
    {
        (method, path, 400): _unknown_parameter(method, path)
        for method, path in (
            ("delete", "/api/v1/addresses/{addressID}"),
            ("get", "/api/v1/addresses"),
            ("get", "/api/v1/addresses/{addressID}"),
            ("get", "/api/v1/cart"),
            ("get", "/api/v1/checkout/{checkoutID}"),
            ("get", "/api/v1/waiting-rooms"),
            ("get", "/api/v1/items/{itemID}/stock/events"),
            ("get", "/api/v1/openapi.json"),
            ("get", "/api/v1/orders/{orderID}"),
            ("get", "/api/v1/orders/{orderID}/returns/{returnID}"),
            ("post", "/api/v1/warehouses/{warehouseID}/returns/{returnID}/receive"),
            ("get", "/api/v1/waiting-room/tickets/{ticketID}"),
            ("get", "/api/v1/waiting-room/tickets/{ticketID}/events"),
            ("get", "/api/v1/warehouses"),
            ("post", "/api/v1/auth/sign-out-everywhere"),
        )
    }
)


def documented() -> dict[tuple[str, str, int], dict]:
    """(method, path, status) -> the documented response, for every operation."""
    return {
        (method, path, int(status)): response
        for path, item in document()["paths"].items()
        for method, operation in item.items()
        for status, response in operation["responses"].items()
    }


@pytest.mark.unit
def test_every_documented_status_has_a_request_that_provokes_it_and_no_more():
    assert sorted(set(documented()) - set(PROVOKE)) == [], "documented but never provoked"
    assert sorted(set(PROVOKE) - set(documented())) == [], "provoked but not documented"


def body_schema(response: dict) -> dict | None:
    content = response.get("content", {}).get("application/json")
    if content is None:
        return None
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **content["schema"],
        "components": document()["components"],
    }


@pytest.mark.parametrize(("method", "path", "status"), sorted(PROVOKE), ids=lambda v: str(v))
def test_the_documented_status_is_answered_with_the_documented_body(request, method, path, status):
    answer = PROVOKE[(method, path, status)](World(request))

    assert answer.status_code == status, answer.get_data(as_text=True)[:500]
    schema = body_schema(documented()[(method, path, status)])
    if schema is not None:
        errors = [
            f"{error.instance_path}: {error.message}"
            for error in jsonschema_rs.validator_for(schema).iter_errors(answer.get_json())
        ]
        assert not errors, errors
