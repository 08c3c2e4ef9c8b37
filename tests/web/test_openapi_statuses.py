"""Every status the OpenAPI document promises can really be provoked, and its body is the
documented one: a table of one request per (operation, status), run against the real app,
the real worker and real PostgreSQL / Redis / Typesense / Temporal (or one of them shut,
for a 503). A documented status with no line here fails, as does a line for a status
the document does not list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import jsonschema_rs
import pytest

from stack.ports import free_port
from tests.web.checkout_calls import DECLINED, ApiShopper, payment, place_order
from tests.web.shoppers import PASSWORD, new_email
from web.api.openapi import document

pytest_plugins = [
    "tests.web.checkout_fixtures",
    "tests.web.warehouse_fixtures",
    "tests.web.waiting_room_fixtures",
]
pytestmark = [pytest.mark.web, pytest.mark.integration]

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
        """The store on one origin (web/asgi.py) for the SSE route, on the catalogue's
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


def _address_book_full(w: World):
    from db.addresses import MAX_ADDRESSES

    shopper = w.shopper()
    for _ in range(MAX_ADDRESSES):
        assert w.post("/api/v1/addresses", shopper, json=HOME_ADDRESS).status_code == 201
    return w.post("/api/v1/addresses", shopper, json=HOME_ADDRESS)


def _wh(path: str) -> str:
    from tests.web.warehouse_world import TACOMA

    return path.format(w=TACOMA, s="no-such-suborder")


# --- the waiting room: hot items on the checkout database (tests/web/waiting_room_fixtures.py)


def _hot(w: World, item: int, enabled: bool, headers: dict[str, str] | None = None):
    staff = w.fixture("staff").headers
    return w.shop.put(
        f"/api/v1/items/{item}/hot",
        json={"enabled": enabled},
        headers=staff if headers is None else headers,
    )


def _join_hot_line(w: World, then: Callable[[ApiShopper, dict], Any] | None = None):
    """A shopper BEGINs for a hot item (202); the item is switched off again afterwards."""
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


Provoke = Callable[[World], Any]

# (method, documented path, status) -> a request that answers it.
PROVOKE: dict[tuple[str, str, int], Provoke] = {
    # the waiting room for hot items
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
    ("get", "/api/v1/hot-items", 200): lambda w: w.shop.get(
        "/api/v1/hot-items", headers=w.fixture("staff").headers
    ),
    ("get", "/api/v1/hot-items", 401): lambda w: w.get("/api/v1/hot-items"),
    ("get", "/api/v1/hot-items", 403): lambda w: w.get("/api/v1/hot-items", w.shopper()),
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
    # the address book and recommendations (web/api/addresses.py, recommendations.py)
    ("get", "/api/v1/addresses", 200): lambda w: w.get("/api/v1/addresses", w.shopper()),
    ("get", "/api/v1/addresses", 401): lambda w: w.get("/api/v1/addresses"),
    ("post", "/api/v1/addresses", 201): lambda w: w.post(
        "/api/v1/addresses", w.shopper(), json=HOME_ADDRESS
    ),
    ("post", "/api/v1/addresses", 400): lambda w: w.post("/api/v1/addresses", w.shopper(), json=[]),
    ("post", "/api/v1/addresses", 401): lambda w: w.post("/api/v1/addresses", json=HOME_ADDRESS),
    ("post", "/api/v1/addresses", 409): lambda w: _address_book_full(w),
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


PROVOKE.update(_suborder_cases("ship"))
PROVOKE.update(_suborder_cases("deliver"))


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
