"""Simulated shoppers for bench.checkout: accounts made in bulk, and the API journey.

Accounts. Registering through the API costs one scrypt hash (~80 ms of CPU) per
shopper and getting a token another; for 1,300 shoppers that is minutes of CPU spent
before anything is measured. So `create_shoppers` INSERTs the users in one statement,
all with the same password hash (computed once, with the app's own `hash_password`),
and issues each bearer token with the app's own signer (`ApiTokens.issue` over the
user id and `password_fingerprint` of that hash, with the stack's SECRET_KEY): exactly
the token `POST /api/v1/auth/token` would answer. `check_api_accounts` proves the API
path on one fresh shopper (register + token through HTTP) and that a bulk-made token
is accepted.

Journey. `journey` is one shopper's search → add to cart → BEGIN → pay → SUBMIT,
timing each step; `contend` is BEGIN for one unit of one item with an explicit cart,
then pay + SUBMIT if the hold was granted.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
import psycopg

from bench.common import log, percentile
from db.postgres.engine import normalise_url
from settings import Settings

PASSWORD = "bench shopper password"
CARD_OK = {"cardNumber": "4242424242424242", "expiry": "12/30", "cvc": "123"}
STEPS = ("search", "add", "begin", "pay", "submit")


@dataclass(frozen=True)
class Shopper:
    index: int
    user_id: int
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def psycopg_dsn(settings: Settings) -> str:
    assert settings.database_url is not None
    return normalise_url(settings.database_url).replace("postgresql+psycopg://", "postgresql://")


def create_shoppers(settings: Settings, count: int, tag: str) -> list[Shopper]:
    """`count` shopper accounts with bearer tokens, made directly (see the module doc)."""
    from web.api_tokens import ApiTokens
    from web.auth.accounts import hash_password
    from web.current_user import password_fingerprint

    password_hash = hash_password(PASSWORD)
    fingerprint = password_fingerprint(password_hash, settings.secret_key)
    tokens = ApiTokens(settings.secret_key, settings.api_token_ttl_seconds)
    with psycopg.connect(psycopg_dsn(settings)) as conn:
        rows = conn.execute(
            "INSERT INTO users (email, password_hash, role) "
            "SELECT 'bench-' || %s || '-' || g || '@example.com', %s, 'shopper' "
            "FROM generate_series(1, %s) AS g ORDER BY g RETURNING id, email",
            (tag, password_hash, count),
        ).fetchall()
    rows.sort()
    return [
        Shopper(i, user_id, email, tokens.issue(user_id, fingerprint))
        for i, (user_id, email) in enumerate(rows)
    ]


def check_api_accounts(http: httpx.Client, sample: Shopper) -> None:
    """One shopper through the real register + token endpoints; a bulk token works."""
    email = f"bench-api-{time.time_ns()}@example.com"
    r = http.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
    assert r.status_code == 201, r.text
    r = http.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200 and r.json()["token"], r.text
    r = http.get("/api/v1/cart", headers={"Authorization": f"Bearer {r.json()['token']}"})
    assert r.status_code == 200, r.text
    r = http.get("/api/v1/cart", headers=sample.headers)
    assert r.status_code == 200, f"a bulk-issued token was refused: {r.status_code} {r.text}"


def payment_body(shopper: Shopper) -> dict:
    return {
        "paymentDetails": {**CARD_OK, "name": f"Bench Shopper {shopper.index}"},
        "shippingAddress": {
            "name": f"Bench Shopper {shopper.index}",
            "line1": f"{100 + shopper.index % 900} Pine Street",
            "city": "Seattle",
            "postalCode": "98101",
            "country": "US",
        },
    }


@dataclass
class Outcome:
    """One shopper's run: seconds per step reached, and how it ended."""

    shopper: int
    seconds: dict[str, float] = field(default_factory=dict)
    ok: bool = False
    failed_step: str | None = None
    status: int | None = None
    detail: str = ""
    order_id: str | None = None
    sold_out: bool = False
    left: int | None = None


class StepFailed(Exception):
    def __init__(self, step: str, response: httpx.Response) -> None:
        super().__init__(f"{step}: HTTP {response.status_code}")
        self.step = step
        self.response = response


def _timed(outcome: Outcome, step: str, send, *expected: int) -> httpx.Response:
    started = time.perf_counter()
    response = send()
    outcome.seconds[step] = time.perf_counter() - started
    if response.status_code not in expected:
        raise StepFailed(step, response)
    return response


def _pay_and_submit(http: httpx.Client, shopper: Shopper, outcome: Outcome, begun: dict) -> None:
    headers = shopper.headers
    _timed(
        outcome,
        "pay",
        lambda: http.post(begun["paymentInputURL"], json=payment_body(shopper), headers=headers),
        200,
    )
    placed = _timed(
        outcome,
        "submit",
        lambda: http.post(
            "/api/v1/checkout?op=SUBMIT", json={"checkoutID": begun["checkoutID"]}, headers=headers
        ),
        201,
    ).json()
    outcome.order_id = placed.get("orderID")
    outcome.ok = placed.get("status") == "PENDING" and bool(outcome.order_id)
    if not outcome.ok:
        outcome.failed_step, outcome.detail = "submit", f"unexpected answer {placed}"


def _failed(outcome: Outcome, error: Exception) -> Outcome:
    if isinstance(error, StepFailed):
        outcome.failed_step, outcome.status = error.step, error.response.status_code
        outcome.detail = error.response.text[:300]
    else:
        outcome.failed_step = outcome.failed_step or "?"
        outcome.detail = f"{type(error).__name__}: {error}"[:300]
    return outcome


def journey(http: httpx.Client, shopper: Shopper, query: str, *, avoid: int = 0) -> Outcome:
    """search → add the shopper's pick to the cart → BEGIN (the cart) → pay → SUBMIT.

    The pick is one of the in-stock hits (spread by shopper), never item `avoid`.
    """
    outcome = Outcome(shopper.index)
    headers = shopper.headers
    try:
        found = _timed(
            outcome,
            "search",
            lambda: http.get(
                "/api/v1/items", params={"query": query, "inStock": "true", "limit": 20}
            ),
            200,
        ).json()["items"]
        hits = [hit for hit in found if hit.get("inStock") and hit.get("itemID") != avoid]
        if not hits:
            outcome.failed_step, outcome.detail = "search", f"no in-stock hit for {query!r}"
            return outcome
        pick = hits[shopper.index % len(hits)]
        _timed(
            outcome,
            "add",
            lambda: http.patch(
                "/api/v1/cart?op=ADD",
                json={"itemID": pick["itemID"], "quantity": 1},
                headers=headers,
            ),
            200,
        )
        begun = _timed(
            outcome, "begin", lambda: http.post("/api/v1/checkout?op=BEGIN", headers=headers), 201
        ).json()
        _pay_and_submit(http, shopper, outcome, begun)
    except Exception as error:  # noqa: BLE001 — every failure is counted and reported
        return _failed(outcome, error)
    return outcome


def contend(http: httpx.Client, shopper: Shopper, item_id: int) -> Outcome:
    """BEGIN for one unit of `item_id`; a winner pays and submits, a loser must hear 409."""
    outcome = Outcome(shopper.index)
    try:
        started = time.perf_counter()
        response = http.post(
            "/api/v1/checkout?op=BEGIN",
            json={"cart": [{"itemID": item_id, "quantity": 1}]},
            headers=shopper.headers,
        )
        outcome.seconds["begin"] = time.perf_counter() - started
        if response.status_code == 409:
            error = response.json().get("error", {})
            lines = error.get("lines") or []
            outcome.sold_out = error.get("code") == "out_of_stock" and any(
                line.get("itemID") == item_id for line in lines
            )
            outcome.left = next((line.get("left") for line in lines), None)
            outcome.failed_step, outcome.status = "begin", 409
            outcome.detail = response.text[:300]
            return outcome
        if response.status_code != 201:
            raise StepFailed("begin", response)
        _pay_and_submit(http, shopper, outcome, response.json())
    except Exception as error:  # noqa: BLE001
        return _failed(outcome, error)
    return outcome


def report_failures(outcomes: list[Outcome], label: str) -> dict[str, int]:
    failed = [o for o in outcomes if not o.ok]
    kinds = Counter(f"{o.failed_step}:{o.status}" for o in failed)
    if failed:
        log(f"{label}: {len(failed)} of {len(outcomes)} did not order: {dict(kinds)}")
        for outcome in failed[:3]:
            log(f"  shopper {outcome.shopper} at {outcome.failed_step}: {outcome.detail}")
    return dict(kinds)


def step_ms(outcomes: list[Outcome], step: str, pct: float) -> float:
    return round(percentile([o.seconds[step] for o in outcomes if step in o.seconds], pct), 1)


def order_listed(base: str, shopper: Shopper, order_id: str | None) -> bool:
    """Whether the shopper's GET /api/v1/orders lists the order it just placed."""
    mine = httpx.get(base + "/api/v1/orders", headers=shopper.headers, timeout=30)
    listed = mine.status_code == 200 and any(
        (order.get("orderID") or order.get("id")) == order_id
        for order in mine.json().get("orders", [])
    )
    if not listed:
        log(f"  GET /api/v1/orders does not list {order_id}: {mine.text[:300]}")
    return listed
