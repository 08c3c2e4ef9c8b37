"""The load beside the streams in bench/live.py: shoppers changing the busy item's stock
(as fast as they can, or at a fixed rate) and search clients (closed or open loop)."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from bench.shoppers import Shopper

SEED = 7  # one seed: the catalogue (bench/live.py) and the searches' price bounds
QUERIES = ["usb cable", "kettle", "laptop", "headphones", "backpack", "desk lamp", "novel",
           "tent", "running shoes", "coffee", "charger", "blender", "jacket", "mouse", "chair"]  # fmt: skip


class Shoppers:
    """Threads that hold and release one unit of the busy item until stopped."""

    def __init__(self, base: str, shoppers: list[Shopper], item_id: int) -> None:
        self._stop = threading.Event()
        self.cycles = 0
        self.errors = 0
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._run, args=(base, s, item_id), daemon=True)
            for s in shoppers
        ]

    def _run(self, base: str, shopper: Shopper, item_id: int) -> None:
        headers = {"Authorization": f"Bearer {shopper.token}"}
        with httpx.Client(base_url=base, timeout=60, headers=headers) as http:
            http.patch("/api/v1/cart?op=ADD", json={"itemID": item_id, "quantity": 1})
            while not self._stop.is_set():
                begun = http.post("/api/v1/checkout?op=BEGIN", json=None)
                ok = begun.status_code == 201
                if ok:
                    checkout = begun.json()["checkoutID"]
                    cancelled = http.post(
                        "/api/v1/checkout?op=CANCEL", json={"checkoutID": checkout}
                    )
                    ok = cancelled.status_code == 200
                with self._lock:
                    self.cycles += ok
                    self.errors += not ok
                if not ok:
                    time.sleep(0.2)

    def __enter__(self) -> Shoppers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)


def search_load(base: str, clients: int, seconds: float) -> list[float]:
    """Latencies (s) of search API calls by `clients` threads for `seconds`."""
    samples: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run(k: int) -> None:
        rng = random.Random(k)
        with httpx.Client(base_url=base, timeout=30) as http:
            while time.monotonic() < deadline:
                params = {"query": rng.choice(QUERIES), "limit": "20"}
                if rng.random() < 0.5:  # half new searches (cache misses), half popular
                    params["maxPrice"] = str(rng.randrange(1_000, 500_000))
                started = time.perf_counter()
                answer = http.get("/api/v1/items", params=params)
                elapsed = time.perf_counter() - started
                if answer.status_code == 200:
                    with lock:
                        samples.append(elapsed)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def _due_times(rate: float, seconds: float):
    """Unix-monotonic instants at a fixed `rate` per second for `seconds`."""
    start = time.monotonic()
    for k in range(int(rate * seconds)):
        yield start + k / rate


def open_search_load(base: str, rate: float, seconds: float) -> list[float]:
    """Latencies (s) of searches sent at `rate` per second, each from when it was due."""
    samples: list[float] = []
    lock = threading.Lock()
    local = threading.local()
    rng = random.Random(SEED)

    def one(due: float, params: dict) -> None:
        http = getattr(local, "http", None)
        if http is None:
            http = local.http = httpx.Client(base_url=base, timeout=30)
        answer = http.get("/api/v1/items", params=params)
        if answer.status_code == 200:
            with lock:
                samples.append(time.monotonic() - due)

    with ThreadPoolExecutor(max_workers=64) as pool:
        for due in _due_times(rate, seconds):
            params = {"query": rng.choice(QUERIES), "limit": "20"}
            if rng.random() < 0.5:  # half new searches (cache misses), half popular
                params["maxPrice"] = str(rng.randrange(1_000, 500_000))
            time.sleep(max(0.0, due - time.monotonic()))
            pool.submit(one, due, params)
    return samples


class OpenShoppers:
    """Stock changes of the busy item at a fixed rate: a BEGIN, then a CANCEL, by whichever
    shopper is free (each is one change), until stopped."""

    def __init__(self, base: str, shoppers: list[Shopper], item_id: int, rate: float) -> None:
        self._base, self._item, self._rate = base, item_id, rate
        self._free: list[Shopper] = list(shoppers)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.changes = 0
        self.errors = 0
        self.skipped = 0  # due while every shopper was busy
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._pool = ThreadPoolExecutor(max_workers=len(shoppers))
        for shopper in shoppers:
            with httpx.Client(base_url=base, timeout=60) as http:
                http.patch(
                    "/api/v1/cart?op=ADD",
                    json={"itemID": item_id, "quantity": 1},
                    headers={"Authorization": f"Bearer {shopper.token}"},
                )

    def _run(self) -> None:
        # A change every 1/rate s: a BEGIN, and its CANCEL half a period later.
        period = 2 / self._rate
        due = time.monotonic()
        while not self._stop.is_set():
            time.sleep(max(0.0, due - time.monotonic()))
            with self._lock:
                shopper = self._free.pop() if self._free else None
            if shopper is None:
                self.skipped += 1
            else:
                self._pool.submit(self._cycle, shopper, period / 2)
            due += period

    def _cycle(self, shopper: Shopper, pause: float) -> None:
        headers = {"Authorization": f"Bearer {shopper.token}"}
        try:
            with httpx.Client(base_url=self._base, timeout=60, headers=headers) as http:
                begun = http.post("/api/v1/checkout?op=BEGIN", json=None)
                if begun.status_code != 201:
                    self._count(errors=1)
                    return
                self._count(changes=1)
                time.sleep(pause)
                cancelled = http.post(
                    "/api/v1/checkout?op=CANCEL", json={"checkoutID": begun.json()["checkoutID"]}
                )
                ok = cancelled.status_code == 200
                self._count(changes=int(ok), errors=int(not ok))
        finally:
            with self._lock:
                self._free.append(shopper)

    def _count(self, changes: int = 0, errors: int = 0) -> None:
        with self._lock:
            self.changes += changes
            self.errors += errors

    def __enter__(self) -> OpenShoppers:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
        self._pool.shutdown(wait=True)
