"""The load of bench.cluster, all through the balancer: shoppers checking out, searchers,
and a probe of how long a revoked token keeps working on the other web instances.

Each runs on threads until its `stop()`; counters are read afterwards. A step that fails
with a broken connection or a 5xx (a node was just killed) is retried a few times, as a
real client would: that is what proves paying and submitting idempotent under kills.
The database, not these counters, decides whether a checkout was paid (bench/soak_checks.py).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable

import httpx

from bench.live_load import QUERIES
from bench.shoppers import Shopper, payment_body

RETRIES = 4
RETRY_PAUSE = 1.0


class _Threads:
    def __init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.counts: Counter[str] = Counter()

    def count(self, what: str) -> None:
        with self._lock:
            self.counts[what] += 1

    def spawn(self, target: Callable, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=180)


def _send(call: Callable[[], httpx.Response], ok: tuple[int, ...]) -> httpx.Response | None:
    """`call` until it answers one of `ok` or a 4xx; None when it never answered."""
    for attempt in range(RETRIES):
        try:
            response = call()
            if response.status_code in ok or response.status_code < 500:
                return response
        except httpx.HTTPError:
            pass
        time.sleep(RETRY_PAUSE * (attempt + 1))
    return None


class Checkouts(_Threads):
    """`threads` shoppers buying one unit of a random watched item each time: BEGIN with an
    explicit cart, pay, SUBMIT. A checkout that cannot finish is cancelled."""

    def __init__(self, url: str, shoppers: list[Shopper], items: list[int], threads: int) -> None:
        super().__init__()
        self.sold_out: set[int] = set()
        for k in range(threads):
            self.spawn(self._run, url, shoppers[k::threads], items, random.Random(k))

    def _run(self, url: str, mine: list[Shopper], items: list[int], rng: random.Random) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            turn = 0
            while not self._stop.is_set():
                left = [i for i in items if i not in self.sold_out]
                if not left:
                    time.sleep(0.5)
                    continue
                shopper, item = mine[turn % len(mine)], rng.choice(left)
                turn += 1
                self.count(self._checkout(http, shopper, item))

    def _checkout(self, http: httpx.Client, shopper: Shopper, item: int) -> str:
        headers = shopper.headers
        begun = _send(
            lambda: http.post(
                "/api/v1/checkout?op=BEGIN",
                json={"cart": [{"itemID": item, "quantity": 1}]},
                headers=headers,
            ),
            (201,),
        )
        if begun is None or begun.status_code != 201:
            if begun is not None and begun.status_code == 409:
                self.sold_out.add(item)
                return "sold_out"
            return f"begin_{begun.status_code if begun else 'down'}"
        checkout = begun.json()
        paid = _send(
            lambda: http.post(
                checkout["paymentInputURL"], json=payment_body(shopper), headers=headers
            ),
            (200,),
        )
        # 409: an earlier attempt whose answer was lost already paid; SUBMIT decides.
        if paid is None or paid.status_code not in (200, 409):
            self._cancel(http, headers, checkout["checkoutID"])
            return f"pay_{paid.status_code if paid else 'down'}"
        submitted = _send(
            lambda: http.post(
                "/api/v1/checkout?op=SUBMIT",
                json={"checkoutID": checkout["checkoutID"]},
                headers=headers,
            ),
            (201,),
        )
        if submitted is None or submitted.status_code != 201:
            self._cancel(http, headers, checkout["checkoutID"])
            return f"submit_{submitted.status_code if submitted else 'down'}"
        return "submitted"

    @staticmethod
    def _cancel(http: httpx.Client, headers: dict, checkout_id: str) -> None:
        _send(
            lambda: http.post(
                "/api/v1/checkout?op=CANCEL", json={"checkoutID": checkout_id}, headers=headers
            ),
            (200,),
        )


class Searchers(_Threads):
    """`threads` clients searching as fast as they can; any answer but 200 is an error."""

    def __init__(self, url: str, threads: int) -> None:
        super().__init__()
        self.errors: Counter[str] = Counter()
        self.error_times: list[float] = []  # time.monotonic() of each error
        for k in range(threads):
            self.spawn(self._run, url, random.Random(1000 + k))

    def _run(self, url: str, rng: random.Random) -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            while not self._stop.is_set():
                params = {"query": rng.choice(QUERIES), "limit": "20"}
                if rng.random() < 0.5:  # half new searches (cache misses), half popular
                    params["maxPrice"] = str(rng.randrange(1_000, 500_000))
                try:
                    status = _kind(http.get("/api/v1/items", params=params))
                except httpx.HTTPError as error:
                    status = type(error).__name__
                self.count("searches")
                if status != "200":
                    self.count("errors")
                    with self._lock:
                        self.errors[status] += 1
                        self.error_times.append(time.monotonic())


def _kind(answer: httpx.Response) -> str:
    """The answer's kind: "200", or its status with the store's error code, as in
    "503 search_unavailable" (a 503 of the store's own, not the balancer's)."""
    if answer.status_code == 200:
        return "200"
    try:
        return f"{answer.status_code} {answer.json()['error']['code']}"
    except (ValueError, KeyError, TypeError):
        return str(answer.status_code)


class RevocationProbe(_Threads):
    """Over and over: a fresh shopper's token is used on every web instance (so each
    remembers it), signed out everywhere on one of them, then tried on every instance
    and through the balancer until all refuse it. `samples_ms`: how long after the
    sign-out it was still accepted (0 when never).
    A probe during which an instance did not answer is left out (`skipped`)."""

    QUIET_SECONDS = 1.5
    GIVE_UP_SECONDS = 10.0

    def __init__(
        self, url: str, web_urls: Callable[[], list[str]], shoppers: list[Shopper], pause: float
    ) -> None:
        super().__init__()
        self.samples_ms: list[float] = []
        self.sample_times: list[float] = []  # time.monotonic() of each sign-out
        self._nudged = threading.Event()
        self.spawn(self._run, url, web_urls, shoppers, pause)

    def _run(self, url: str, web_urls, shoppers: list[Shopper], pause: float) -> None:
        # A new connection per request: a kept-alive one would stay with one process.
        with httpx.Client(timeout=10, headers={"Connection": "close"}) as http:
            for k, shopper in enumerate(shoppers):
                self._nudged.wait(pause)
                self._nudged.clear()
                if self._stop.is_set():
                    return
                try:
                    signed_out_at, measured = self._probe(http, url, web_urls(), shopper, k)
                except _Skipped as skipped:
                    self.count("skipped")
                    self.count(f"skipped: {skipped}")
                    continue
                with self._lock:
                    self.samples_ms.append(measured)
                    self.sample_times.append(signed_out_at)

    def nudge(self) -> None:
        """Probe now (a node was just killed: the moment a revocation is likeliest lost)."""
        self._nudged.set()

    def stop(self) -> None:
        self._stop.set()
        self._nudged.set()
        super().stop()

    def _probe(self, http, url, webs: list[str], shopper: Shopper, k: int) -> tuple[float, float]:
        """(when the sign-out answered, ms the token was accepted after it)."""
        everywhere = [*webs, url]

        def cart(base: str, *expected: int) -> int:
            try:
                status = http.get(base + "/api/v1/cart", headers=shopper.headers).status_code
            except httpx.HTTPError as error:
                raise _Skipped(f"{type(error).__name__} from {base}") from None
            if status not in expected:
                raise _Skipped(f"{status} from {base}")
            return status

        for base in everywhere * 2:  # twice: a balanced URL reaches more than one process
            cart(base, 200)
        try:
            ended = http.post(
                webs[k % len(webs)] + "/api/v1/auth/sign-out-everywhere", headers=shopper.headers
            )
        except httpx.HTTPError as error:
            raise _Skipped(f"sign-out: {type(error).__name__}") from None
        if ended.status_code != 204:
            raise _Skipped(f"sign-out: {ended.status_code}")
        # Measured: when the token was last accepted anywhere after the sign-out. Every
        # address is tried round-robin until none has accepted it for QUIET_SECONDS.
        started = time.monotonic()
        last_accepted = started
        while time.monotonic() - last_accepted < self.QUIET_SECONDS:
            if time.monotonic() - started > self.GIVE_UP_SECONDS:
                break
            for base in everywhere:
                if cart(base, 200, 401) == 200:
                    last_accepted = time.monotonic()
            time.sleep(0.01)
        return started, (last_accepted - started) * 1000


class _Skipped(Exception):
    """A probe during which an address did not answer as a store does: not a measure."""
