"""A small load for the fault tests: a few shoppers buying over HTTP while a staff
member ships what was ordered, each call retried the way a patient client would (the
same Idempotency-Key on BEGIN and SUBMIT, so a retry never begins or orders twice).

A shopper who cannot finish before the deadline cancels its checkout: every checkout
then ends as one order or as stock given back, which is what the tests check.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field

import httpx

PASSWORD = "fault-shopper-password-1"
RETRY_STATUSES = {500, 502, 503, 504}
PAYMENT = {
    "paymentDetails": {
        "cardNumber": "4242 4242 4242 4242",
        "expiry": "12/34",
        "cvc": "123",
        "name": "Ada Shopper",
    },
    "shippingAddress": {
        "name": "Ada Shopper",
        "line1": "1 Main St",
        "city": "Seattle",
        "postalCode": "98101",
        "country": "US",
    },
}


class GaveUp(Exception):
    pass


@dataclass
class Outcome:
    checkout_id: str | None = None
    order_id: str | None = None
    cancelled: bool = False
    retries: int = 0
    server_errors: list[str] = field(default_factory=list)  # 5xx seen (answered, not hung)
    error: str | None = None


class Client:
    """httpx with retries on connection errors, 5xx and "still working" 409s."""

    def __init__(self, base_url: str, outcome: Outcome, deadline: float) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=30)
        self._outcome = outcome
        self._deadline = deadline
        self.headers: dict[str, str] = {}

    def call(self, method: str, path: str, *, ok: set[int], **kwargs) -> httpx.Response:
        while True:
            try:
                answer = self._http.request(method, path, headers=self.headers, **kwargs)
                if answer.status_code in ok:
                    return answer
                if answer.status_code in RETRY_STATUSES:
                    self._outcome.server_errors.append(f"{_route(path)} {answer.status_code}")
                elif not _still_working(answer):
                    raise AssertionError(
                        f"{method} {path}: {answer.status_code} {answer.text[:300]}"
                    )
            except httpx.TransportError:
                pass
            if time.monotonic() > self._deadline:
                raise GaveUp(f"{method} {path}")
            self._outcome.retries += 1
            time.sleep(0.5)

    def close(self) -> None:
        self._http.close()


def _route(path: str) -> str:
    """`/api/v1/checkout?op=BEGIN` and `/api/v1/checkout/<id>/payment` without the ids."""
    parts = ["<id>" if len(p) == 32 else p for p in path.split("/")]
    return "/".join(parts)


def _still_working(answer: httpx.Response) -> bool:
    if answer.status_code != 409:
        return False
    try:
        code = answer.json().get("error", {}).get("code", "")
    except ValueError:
        return False
    return code in {"idempotency_in_progress", "still_working", "checkout_busy"}


def buy(base_url: str, item_id: int, *, seconds: float, typing: float = 0.0) -> Outcome:
    """Register, add one unit to the cart, BEGIN, pay, SUBMIT (cancel if out of time).

    `typing`: seconds between BEGIN and paying, as a shopper types a card's details. The
    checkout holds its stock at least that long, so a test can see it held and strike
    then; without it a quick store holds stock for a few milliseconds and a poll can miss
    every checkout of the load."""
    outcome = Outcome()
    client = Client(base_url, outcome, time.monotonic() + seconds)
    email = f"fault-{uuid.uuid4().hex[:10]}@example.test"
    try:
        client.call("POST", "/api/v1/auth/register", ok={201}, json=_account(email))
        token = client.call("POST", "/api/v1/auth/token", ok={200}, json=_account(email))
        client.headers = {"Authorization": f"Bearer {token.json()['token']}"}
        client.call(
            "PATCH", "/api/v1/cart?op=ADD", ok={200}, json={"itemID": item_id, "quantity": 1}
        )
        begun = _begin(client)
        outcome.checkout_id = begun["checkoutID"]
        time.sleep(typing)
        client.call("POST", begun["paymentInputURL"], ok={200, 409}, json=PAYMENT)
        order = _submit(client, outcome.checkout_id)
        outcome.order_id = order["orderID"]
    except GaveUp as gave_up:
        outcome.error = f"gave up on {gave_up}"
        if outcome.checkout_id is not None:
            _cancel(base_url, client.headers, outcome)
    except AssertionError as error:
        outcome.error = str(error)
        if outcome.checkout_id is not None:
            _cancel(base_url, client.headers, outcome)
    finally:
        client.close()
    return outcome


def _account(email: str) -> dict:
    return {"email": email, "password": PASSWORD}


def _begin(client: Client) -> dict:
    key = uuid.uuid4().hex
    client.headers = {**client.headers, "Idempotency-Key": key}
    try:
        return client.call("POST", "/api/v1/checkout?op=BEGIN", ok={200, 201}).json()
    finally:
        client.headers = {k: v for k, v in client.headers.items() if k != "Idempotency-Key"}


def _submit(client: Client, checkout_id: str) -> dict:
    key = uuid.uuid4().hex
    client.headers = {**client.headers, "Idempotency-Key": key}
    try:
        return client.call(
            "POST", "/api/v1/checkout?op=SUBMIT", ok={200, 201}, json={"checkoutID": checkout_id}
        ).json()
    finally:
        client.headers = {k: v for k, v in client.headers.items() if k != "Idempotency-Key"}


def _cancel(base_url: str, headers: dict[str, str], outcome: Outcome) -> None:
    """The shopper walks away: give the stock back (retried for a minute more)."""
    client = Client(base_url, outcome, time.monotonic() + 60)
    client.headers = headers
    try:
        client.call(
            "POST",
            "/api/v1/checkout?op=CANCEL",
            ok={200, 409},
            json={"checkoutID": outcome.checkout_id},
        )
        outcome.cancelled = True
    except (GaveUp, AssertionError) as error:
        outcome.error = f"{outcome.error}; cancel failed: {error}"
    finally:
        client.close()


class Shoppers:
    """`count` shoppers started a moment apart, each buying one unit of `item_id`."""

    def __init__(
        self, base_url: str, item_id: int, count: int, *, seconds: float, typing: float = 0.0
    ) -> None:
        self.outcomes: list[Outcome] = []
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._one, args=(base_url, item_id, seconds, typing, i * 0.4))
            for i in range(count)
        ]

    def _one(
        self, base_url: str, item_id: int, seconds: float, typing: float, delay: float
    ) -> None:
        time.sleep(delay)
        outcome = buy(base_url, item_id, seconds=seconds, typing=typing)
        with self._lock:
            self.outcomes.append(outcome)

    def start(self) -> Shoppers:
        for thread in self._threads:
            thread.start()
        return self

    def join(self, seconds: float) -> list[Outcome]:
        for thread in self._threads:
            thread.join(seconds)
        assert not any(t.is_alive() for t in self._threads), "a shopper never finished"
        return self.outcomes


class Shipper:
    """A staff member shipping every assigned suborder of the warehouses, until stopped."""

    def __init__(self, base_url: str, token: str) -> None:
        self.shipped: set[str] = set()
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._http = httpx.Client(
            base_url=base_url, timeout=30, headers={"Authorization": f"Bearer {token}"}
        )
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Shipper:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._ship_round()
            except httpx.TransportError:
                pass
            self._stop.wait(0.5)

    def _ship_round(self) -> None:
        answer = self._http.get("/api/v1/warehouses")
        if answer.status_code != 200:
            self.errors.append(f"list {answer.status_code}")
            return
        for warehouse in answer.json()["warehouses"]:
            wid = warehouse["warehouseID"]
            queue = self._http.get(f"/api/v1/warehouses/{wid}/suborders")
            if queue.status_code != 200:
                self.errors.append(f"queue {queue.status_code}")
                continue
            for suborder in queue.json()["suborders"]:
                sid = suborder["suborderID"]
                shipped = self._http.post(f"/api/v1/warehouses/{wid}/suborders/{sid}/ship")
                if shipped.status_code == 200:
                    self.shipped.add(sid)
                else:
                    self.errors.append(f"ship {shipped.status_code}")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(60)
        self._http.close()
