"""The world the OpenAPI status tests provoke their answers in (tests/web/test_openapi_statuses.py):
one store on the real stack, shoppers, staff, a waiting room's line, and one function per
request that answers a documented status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pytest

from stack.ports import free_port
from tests.waiting import wait_until
from tests.web.checkout_calls import DECLINED, ApiShopper, payment, place_order
from tests.web.shoppers import PASSWORD, new_email

NO_SUCH_CHECKOUT = "0" * 32
NO_SUCH_ITEM = 999_999_999
NO_SUCH_WAREHOUSE = 999_999


@dataclass
class _StreamAnswer:
    """What the table reads of an answer (Flask's test response API), for a real socket."""

    status_code: int
    body: bytes

    def get_data(self, as_text: bool = False):
        return self.body.decode() if as_text else self.body

    def get_json(self):
        import json

        return json.loads(self.body)


@dataclass
class World:
    """What a provoking request may need, built only when it asks (fixtures by name)."""

    request: pytest.FixtureRequest

    def fixture(self, name: str) -> Any:
        return self.request.getfixturevalue(name)

    # --- shoppers on the checkout database ---------------------------------------------

    @cached_property
    def shop(self):
        return self.fixture("shop")

    def shopper(self, cart: dict[int, int] | None = None) -> ApiShopper:
        return self.fixture("api_shopper")(cart)

    def item(self, stock: int = 5) -> int:
        return self.fixture("stock_item")(stock)

    def with_a_checkout(self) -> tuple[ApiShopper, dict]:
        shopper = self.shopper({self.item(): 1})
        begun = self.post("/api/v1/checkout?op=BEGIN", shopper)
        assert begun.status_code == 201, begun.get_json()
        return shopper, begun.get_json()

    def temporal_down(self):
        return self.fixture("make_store")(temporal_address=f"127.0.0.1:{free_port()}").test_client()

    def get(self, path: str, shopper: ApiShopper | None = None, client=None, **kwargs):
        return (client or self.shop).get(path, headers=shopper.headers if shopper else {}, **kwargs)

    def post(self, path: str, shopper: ApiShopper | None = None, client=None, **kwargs):
        return (client or self.shop).post(
            path, headers=shopper.headers if shopper else {}, **kwargs
        )

    def patch(self, path: str, shopper: ApiShopper | None = None, **kwargs):
        return self.shop.patch(path, headers=shopper.headers if shopper else {}, **kwargs)

    # --- the catalogue (search) ---------------------------------------------------------

    @cached_property
    def catalogue(self):
        return self.fixture("client")

    def search_down(self):
        from dataclasses import replace

        settings = replace(
            self.fixture("web_settings"), typesense_url=f"http://127.0.0.1:{free_port()}"
        )
        return self.fixture("make_app")(settings).test_client()

    @cached_property
    def stream_server(self):
        """The store on one origin (web/live/asgi.py) for the SSE route, on the catalogue's
        database; stopped when the test ends."""
        from tests.live_server import ServerThread

        self.fixture("web_catalogue")  # the catalogue loaded
        server = ServerThread(self.fixture("web_settings"))
        self.request.addfinalizer(server.stop)
        return server

    def stream(self, item: str) -> _StreamAnswer:
        """The head of a stock stream (an endless body): its status and, if not 200, body."""
        return self._stream_head(f"{self.stream_server.url}/api/v1/items/{item}/stock/events")

    @cached_property
    def shop_server(self):
        """The store on one origin on the checkout database (waiting-room tickets' streams)."""
        from tests.live_server import ServerThread

        server = ServerThread(self.fixture("checkout_settings"))
        self.request.addfinalizer(server.stop)
        return server

    def ticket_stream(self, path: str, shopper: ApiShopper | None = None) -> _StreamAnswer:
        headers = shopper.headers if shopper else {}
        return self._stream_head(self.shop_server.url + path, headers)

    @staticmethod
    def _stream_head(url: str, headers: dict[str, str] | None = None) -> _StreamAnswer:
        import httpx

        with httpx.stream("GET", url, headers=headers or {}, timeout=30) as answer:
            body = b"" if answer.status_code == 200 else answer.read()
            return _StreamAnswer(answer.status_code, body)

    # --- warehouse staff ----------------------------------------------------------------

    @cached_property
    def portal(self):
        return self.fixture("portal_app").test_client()

    @cached_property
    def staff(self) -> dict[str, str]:
        return self.fixture("staff_headers")

    @cached_property
    def not_staff(self) -> dict[str, str]:
        return self.fixture("shopper_headers")

    @cached_property
    def warehouses(self):
        return self.fixture("world")

    def assigned_suborder(self) -> str:
        from tests.web.warehouse_world import TACOMA

        world = self.warehouses
        order_id = world.order({world.item({TACOMA: 5}): 1})
        (suborder_id,) = world.suborders(order_id)
        world.wait_queued(TACOMA, suborder_id)
        return suborder_id

    def cancelled_suborder(self) -> str:
        from tests.web.warehouse_world import TACOMA

        world = self.warehouses
        order_id = world.order({world.item({TACOMA: 5}): 1})
        (suborder_id,) = world.suborders(order_id)
        world.cancel(order_id)
        world.suborders(order_id, status="CANCELLED")
        return suborder_id

    def staff_post(self, path: str, headers: dict[str, str] | None = None, **kwargs):
        return self.portal.post(path, headers=self.staff if headers is None else headers, **kwargs)

    def staff_get(self, path: str, headers: dict[str, str] | None = None):
        return self.portal.get(path, headers=self.staff if headers is None else headers)


def _token_throttled(w: World):
    from dataclasses import replace

    app = w.fixture("make_app")(
        replace(w.fixture("checkout_settings"), login_limit_per_account="1 per minute")
    )
    client = app.test_client()
    body = {"email": new_email("throttled"), "password": "not the password"}
    for _ in range(5):
        answer = client.post("/api/v1/auth/token", json=body)
        if answer.status_code == 429:
            break
    return answer


def _limited_store(w: World, **limits):
    return w.fixture("make_store")(**limits).test_client()


def _register_throttled(w: World):
    client = _limited_store(w, register_limit_per_ip="1 per hour")
    for _ in range(2):
        answer = client.post(
            "/api/v1/auth/register",
            json={"email": new_email("many"), "password": PASSWORD},
            environ_base={"REMOTE_ADDR": "10.9.9.9"},
        )
    return answer


def _token_without_redis(w: World):
    body = {"email": new_email("noredis"), "password": PASSWORD}
    assert w.post("/api/v1/auth/register", json=body).status_code == 201
    client = _limited_store(w, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    return client.post("/api/v1/auth/token", json=body)


def _begin_throttled(w: World):
    client = _limited_store(w, begin_limit_per_user="1 per minute")
    shopper = w.shopper({w.item(): 1})
    w.post("/api/v1/checkout?op=BEGIN", shopper, client=client)
    answer = w.post("/api/v1/checkout?op=BEGIN", shopper, client=client)
    w.post("/api/v1/checkout?op=CANCEL", shopper)
    return answer


def _pay_throttled(w: World):
    client = _limited_store(w, payment_limit_per_checkout="1 per hour")
    shopper, checkout = w.with_a_checkout()
    url = checkout["paymentInputURL"]
    assert w.post(url, shopper, client=client, json=payment(DECLINED)).status_code == 402
    answer = w.post(url, shopper, client=client, json=payment(DECLINED))
    w.post("/api/v1/checkout?op=CANCEL", shopper)
    return answer


def _password(w: World, current: str = PASSWORD, new: str = "another horse staple"):
    shopper = w.shopper()
    return w.post(
        "/api/v1/auth/password",
        shopper,
        json={"currentPassword": current, "newPassword": new},
    )


def _register_twice(w: World):
    body = {"email": new_email("twice"), "password": PASSWORD}
    assert w.post("/api/v1/auth/register", json=body).status_code == 201
    return w.post("/api/v1/auth/register", json=body)


def _token(w: World):
    body = {"email": new_email("token"), "password": PASSWORD}
    assert w.post("/api/v1/auth/register", json=body).status_code == 201
    return w.post("/api/v1/auth/token", json=body)


def _pay_cancelled(w: World):
    shopper, checkout = w.with_a_checkout()
    assert w.post("/api/v1/checkout?op=CANCEL", shopper).status_code == 200
    return w.post(checkout["paymentInputURL"], shopper, json=payment())


def _pay(w: World, number: str = "4242 4242 4242 4242"):
    shopper, checkout = w.with_a_checkout()
    return w.post(checkout["paymentInputURL"], shopper, json=payment(number))


def _state(w: World):
    shopper, checkout = w.with_a_checkout()
    return w.get(f"/api/v1/checkout/{checkout['checkoutID']}", shopper)


def _order(w: World):
    shopper = w.shopper({w.item(): 1})
    placed = place_order(w.shop, shopper)
    return w.get(f"/api/v1/orders/{placed['orderID']}", shopper)


def _partly_shipped(w: World) -> str:
    """An order of the warehouse database's shopper (`w.not_staff`) whose Tacoma parcel
    was shipped through the warehouse API and whose Boston parcel waits."""
    from tests.web.warehouse_world import BOSTON, TACOMA
    from workflows.order import OrderWorkflow
    from workflows.order_messages import order_workflow_id

    world = w.warehouses
    order_id = world.order({world.item({TACOMA: 1}): 1, world.item({BOSTON: 1}): 1})
    world.suborders(order_id, count=2)
    tacoma = world.scalar(
        "SELECT id FROM warehouse_orders WHERE order_id = :o AND warehouse_id = :w",
        o=order_id,
        w=TACOMA,
    )
    shipped = w.staff_post(f"/api/v1/warehouses/{TACOMA}/suborders/{tacoma}/ship")
    assert shipped.status_code == 200, shipped.get_json()
    handle = world.worker.client.get_workflow_handle(order_workflow_id(order_id))

    def heard() -> bool:  # the parcel reports to its order right after the row
        state = world.worker.run(handle.query(OrderWorkflow.state))
        return any(s.suborder_id == tacoma and s.status == "SHIPPED" for s in state.suborders)

    wait_until(heard, what=f"order {order_id} to hear its Tacoma parcel shipped")
    return order_id


def _cancel_unshipped(w: World, client=None):
    order_id = _partly_shipped(w)
    return (client or w.portal).post(
        f"/api/v1/orders/{order_id}/cancel-unshipped", headers=w.not_staff
    )


def _cancel_unshipped_temporal_down(w: World):
    down = w.fixture("make_portal_app")(temporal_address=f"127.0.0.1:{free_port()}")
    return _cancel_unshipped(w, down.test_client())


def _cancel_unshipped_throttled(w: World):
    """The second attempt in a minute on a store that allows one (the first, on an order
    nothing of which shipped, is refused and still counts)."""
    shopper = w.shopper({w.item(): 1})
    url = f"/api/v1/orders/{place_order(w.shop, shopper)['orderID']}/cancel-unshipped"
    client = _limited_store(w, shopper_write_limit_per_user="1 per minute")
    assert client.post(url, headers=shopper.headers).status_code == 409
    return client.post(url, headers=shopper.headers)


def _ship(w: World):
    from tests.web.warehouse_world import TACOMA

    return w.staff_post(f"/api/v1/warehouses/{TACOMA}/suborders/{w.assigned_suborder()}/ship")


def _deliver(w: World):
    from tests.web.warehouse_world import TACOMA

    suborder = w.assigned_suborder()
    shipped = w.staff_post(f"/api/v1/warehouses/{TACOMA}/suborders/{suborder}/ship")
    assert shipped.status_code == 200, shipped.get_json()
    return w.staff_post(f"/api/v1/warehouses/{TACOMA}/suborders/{suborder}/deliver")


def _restock(w: World, warehouse: str = "", quantity: int = 3):
    from tests.web.warehouse_world import TACOMA

    item = w.warehouses.item({TACOMA: 1})
    return w.staff_post(
        f"/api/v1/warehouses/{warehouse or TACOMA}/restock",
        json={"itemID": item, "quantity": quantity},
    )


def _restock_key_reused(w: World):
    from tests.web.warehouse_world import TACOMA

    item = w.warehouses.item({TACOMA: 1})
    headers = {**w.staff, "Idempotency-Key": f"delivery-{item}"}
    path = f"/api/v1/warehouses/{TACOMA}/restock"
    first = w.staff_post(path, headers, json={"itemID": item, "quantity": 2})
    assert first.status_code == 200, first.get_json()
    return w.staff_post(path, headers, json={"itemID": item, "quantity": 5})


HOME_ADDRESS = {
    "name": "Ada Shopper",
    "line1": "1 Main St",
    "city": "Seattle",
    "postalCode": "98101",
    "country": "US",
}


def _on_saved_address(w: World, method: str, **kwargs):
    shopper = w.shopper()
    saved = w.post("/api/v1/addresses", shopper, json=HOME_ADDRESS).get_json()
    call = getattr(w.shop, method)
    return call(f"/api/v1/addresses/{saved['addressID']}", headers=shopper.headers, **kwargs)


def _shopper_writes_throttled(w: World, method: str, path: str, **kwargs):
    """The second write of one feature in a minute, on a store that allows one."""
    client = _limited_store(w, shopper_write_limit_per_user="1 per minute")
    shopper = w.shopper()
    if "{addressID}" in path:
        saved = client.post("/api/v1/addresses", headers=shopper.headers, json=HOME_ADDRESS)
        path = path.format(addressID=saved.get_json()["addressID"])
    else:
        getattr(client, method)(path, headers=shopper.headers, **kwargs)
    return getattr(client, method)(path, headers=shopper.headers, **kwargs)


def _address_book_full(w: World):
    from db.postgres.addresses import MAX_ADDRESSES

    shopper = w.shopper()
    for _ in range(MAX_ADDRESSES):
        assert w.post("/api/v1/addresses", shopper, json=HOME_ADDRESS).status_code == 201
    return w.post("/api/v1/addresses", shopper, json=HOME_ADDRESS)


# --- returns: an order delivered through the warehouse API (docs/returns.md) -----------


def _delivered_order(w: World) -> tuple[ApiShopper, str, int]:
    from tests.waiting import wait_until

    item = w.item()
    shopper = w.shopper({item: 1})
    order_id = place_order(w.shop, shopper)["orderID"]

    def parcel() -> dict | None:
        detail = w.get(f"/api/v1/orders/{order_id}", shopper).get_json()
        return next((s for s in detail["suborders"] if s["status"] == "ASSIGNED"), None)

    found = wait_until(parcel, what=f"order {order_id}'s parcel")
    staff = w.fixture("staff").headers
    for action in ("ship", "deliver"):
        done = w.shop.post(
            f"/api/v1/warehouses/{found['warehouse']['id']}/suborders/"
            f"{found['suborderID']}/{action}",
            headers=staff,
        )
        assert done.status_code == 200, done.get_json()
    return shopper, order_id, item


def _return(w: World, then: str = "") -> Any:
    """A return of a delivered line (201); `then`: "get" it, or "receive" it as staff."""
    shopper, order_id, item = _delivered_order(w)
    body = {"lines": [{"itemID": item, "quantity": 1}], "reason": "Changed my mind"}
    created = w.post(f"/api/v1/orders/{order_id}/returns", shopper, json=body)
    if not then:
        return created
    assert created.status_code == 201, created.get_json()
    created_return = created.get_json()
    if then == "get":
        return w.get(f"/api/v1/orders/{order_id}/returns/{created_return['returnID']}", shopper)
    return w.shop.post(
        f"/api/v1/warehouses/{created_return['warehouseID']}/returns/"
        f"{created_return['returnID']}/receive",
        headers=w.fixture("staff").headers,
    )


def _return_before_delivery(w: World) -> Any:
    item = w.item()
    shopper = w.shopper({item: 1})
    order_id = place_order(w.shop, shopper)["orderID"]
    body = {"lines": [{"itemID": item, "quantity": 1}], "reason": "Changed my mind"}
    return w.post(f"/api/v1/orders/{order_id}/returns", shopper, json=body)


def _staff_refund(w: World, body: dict | None = None, key: str = "k-1", headers=None) -> Any:
    """An operator's refund of one unit of a placed order (201), or with `body`/`headers`."""
    item = w.item()
    shopper = w.shopper({item: 1})
    order_id = place_order(w.shop, shopper)["orderID"]
    payload = body or {"lines": [{"itemID": item, "quantity": 1}], "reason": "Goodwill"}
    staff = w.fixture("staff").headers if headers is None else headers
    return w.shop.post(
        f"/api/v1/staff/orders/{order_id}/refunds",
        json=payload,
        headers={**staff, "Idempotency-Key": key},
    )


def _staff_refund_key_reused(w: World) -> Any:
    item = w.item()
    shopper = w.shopper({item: 1})
    order_id = place_order(w.shop, shopper)["orderID"]
    headers = {**w.fixture("staff").headers, "Idempotency-Key": "k-1"}
    path = f"/api/v1/staff/orders/{order_id}/refunds"
    first = w.shop.post(path, json={"reason": "Goodwill"}, headers=headers)
    assert first.status_code == 201, first.get_json()
    return w.shop.post(path, json={"reason": "Another"}, headers=headers)


def _wh(path: str) -> str:
    from tests.web.warehouse_world import TACOMA

    return path.format(w=TACOMA, s="no-such-suborder")


# --- the waiting room: its items on the checkout database (tests/web/waiting_room_fixtures.py)


def _hot(w: World, item: int, enabled: bool, headers: dict[str, str] | None = None):
    staff = w.fixture("staff").headers
    return w.shop.put(
        f"/api/v1/items/{item}/hot",
        json={"enabled": enabled},
        headers=staff if headers is None else headers,
    )


def _join_hot_line(w: World, then: Callable[[ApiShopper, dict], Any] | None = None):
    """A shopper BEGINs for an item with a waiting room (202); the item is switched off again afterwards."""
    item = w.fixture("new_item")(5)
    assert _hot(w, item, True).status_code == 200
    shopper = w.shopper()
    try:
        joined = w.post(
            "/api/v1/checkout?op=BEGIN", shopper, json={"cart": [{"itemID": item, "quantity": 1}]}
        )
        assert joined.status_code == 202, joined.get_json()
        return then(shopper, joined.get_json()) if then else joined
    finally:
        assert _hot(w, item, False).status_code == 200


def _ticket(w: World):
    return _join_hot_line(w, lambda shopper, place: w.get(place["statusURL"], shopper))


# --- password reset -----------------------------------------------------------------------


def _reset_link(w: World) -> str:
    """A fresh reset link's token for a new shopper, written the way request_reset does."""
    import secrets
    from datetime import UTC, datetime, timedelta

    from sqlalchemy.orm import sessionmaker

    from db.postgres.password_resets import PasswordResets
    from web.auth.password_reset.use_cases import token_hash

    token = secrets.token_urlsafe(32)
    resets = PasswordResets(sessionmaker(w.fixture("checkout_engine")))
    expires = datetime.now(UTC) + timedelta(minutes=30)
    resets.create_link(w.shopper().user_id, token_hash(token), expires)
    return token


def _reset_confirmed(w: World):
    body = {"token": _reset_link(w), "password": "a brand new lantern"}
    return w.post("/api/v1/auth/password-reset/confirm", json=body)


def _reset_throttled(w: World, path: str = "/api/v1/auth/password-reset", body=None):
    client = _limited_store(w, password_reset_limit_per_ip="1 per hour")
    for _ in range(2):
        answer = client.post(
            path,
            json=body or {"email": new_email("reset")},
            environ_base={"REMOTE_ADDR": "10.9.9.8"},
        )
    return answer


def _unknown_parameter(method: str, path: str) -> Callable[[World], Any]:
    """`?bogus=1` on the operation: refused before anything else is looked at (the
    path's parameters need not exist, no token is needed), on Flask and the streams."""
    url = path.replace("{", "").replace("}", "")  # any value matches: 1 for {itemID} too
    for name in ("itemID", "addressID", "checkoutID", "orderID", "ticketID"):
        url = url.replace(name, "1")
    url += "?bogus=1"

    def provoke(w: World):
        if url.endswith("/events?bogus=1"):
            server = w.stream_server if "/items/" in url else w.shop_server
            return w._stream_head(server.url + url)
        client = w.portal if url.startswith("/api/v1/warehouses") else w.shop
        return client.open(url, method=method.upper())

    return provoke


# --- reviews (on the checkout database: its items, its shoppers) ------------------------

REVIEW = {"rating": 4, "title": "Solid", "text": "Does what it says."}


def _reviewer(w: World) -> tuple[ApiShopper, int]:
    """A shopper whose parcel with a new item was delivered, and that item."""
    from sqlalchemy.orm import sessionmaker

    from tests.web.contract_worlds import deliver_maker

    shopper, item = w.shopper(), w.item()
    deliver_maker(sessionmaker(w.fixture("checkout_engine")))(shopper.user_id, item, True)
    return shopper, item


def _review(w: World, then: str = "", body: dict | None = None, **changes):
    """POST a review as someone who received the item (`then`: "again", "get", "put",
    "throttled" for what follows it)."""
    shopper, item = _reviewer(w)
    path = f"/api/v1/items/{item}/reviews"
    if then == "throttled":  # a review of another item they received spends the one write
        from sqlalchemy.orm import sessionmaker

        from tests.web.contract_worlds import deliver_maker

        other = w.item()
        deliver_maker(sessionmaker(w.fixture("checkout_engine")))(shopper.user_id, other, True)
        client = _limited_store(w, shopper_write_limit_per_user="1 per minute")
        first = client.post(f"/api/v1/items/{other}/reviews", headers=shopper.headers, json=REVIEW)
        assert first.status_code == 201, first.get_json()
        return client.post(path, headers=shopper.headers, json=REVIEW)
    if not then:
        return w.post(path, shopper, json=body if body is not None else REVIEW | changes)
    posted = w.post(path, shopper, json=REVIEW)
    assert posted.status_code == 201, posted.get_json()
    if then == "again":
        return w.post(path, shopper, json=REVIEW)
    if then == "get":
        return w.get(path + "/mine", shopper)
    if then == "list":
        return w.get(path)
    if then == "edit-throttled":
        client = _limited_store(w, shopper_write_limit_per_user="1 per minute")
        client.put(path + "/mine", headers=shopper.headers, json=REVIEW)
        return client.put(path + "/mine", headers=shopper.headers, json=REVIEW)
    return w.shop.put(path + "/mine", headers=shopper.headers, json=REVIEW | changes)


def _review_page_cursor(w: World):
    """A cursor of another item: refused."""
    from datetime import UTC, datetime

    from web import keyset

    _, item = _reviewer(w)
    cursor = keyset.encode_cursor(datetime.now(UTC), "1", scope="reviews:1")
    return w.get(f"/api/v1/items/{item}/reviews?cursor={cursor}")
