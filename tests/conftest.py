"""The test session's real servers (the `stack_settings` fixture).

One embedded stack (PostgreSQL, Redis, Typesense, Temporal dev server) is started
lazily, the first time a test asks for `stack_settings`, on free loopback ports under a
temporary directory, and torn down when the session ends. Unit tests never start it.
"""

from __future__ import annotations

import gc
import secrets

import pytest
from sqlalchemy import text

from settings import Settings
from tests import compiled_once

# Every app of the session shares the URL builders and the templates compiled by the
# first (tests/compiled_once.py): a fresh app then costs ~12 ms of CPU to build, not
# ~60 ms, and its first pages ~20 ms to render, not ~130 ms.
compiled_once.share()

# A full garbage collection walks every object alive: with the session's modules, apps,
# geodata and hypothesis' caches, ~0.3 s of CPU each, and at Python's default (one per
# 10 middle-generation passes) a fast-layer run made ~40 of them, ~12 s. One per 100
# passes made 12 (~4 s) for the same peak memory (RSS ~620 MB either way).
gc.set_threshold(700, 10, 100)

# Markers of the tests that may start the embedded stack; every other test is part of
# the fast layer (unit, workflow, web on fakes: `make test-fast`).
REAL_STACK_MARKERS = ("integration", "e2e")


def pytest_collection_modifyitems(config, items):
    """Browser journeys run last: Playwright's sync API keeps an event loop running in
    the main thread while the browser is open, which would break `asyncio.run` in the
    workflow tests.

    And no test of the fast layer reaches `stack_settings` (the embedded stack), directly or
    through another fixture: such a test must say `integration` (or `e2e`), or use fakes.
    """
    items.sort(key=lambda item: "e2e" in item.keywords)
    stray = [
        item.nodeid
        for item in items
        if "stack_settings" in getattr(item, "fixturenames", ())
        and not any(marker in item.keywords for marker in REAL_STACK_MARKERS)
    ]
    if stray:
        raise pytest.UsageError(
            "These tests start the embedded stack (they reach the `stack_settings` fixture) but "
            "are not marked integration or e2e, so the fast layer would pay for it:\n  "
            + "\n  ".join(stray)
        )


def pytest_deselected(items):
    _deselected.extend(items)


_deselected: list = []  # by -m or -k: `make test` runs the layers one after the other


def pytest_report_collectionfinish(config, start_path, items):
    """Every run says how the tests it collected split between the layers, counted from
    the collection (docs/testing.md quotes no hand-written counts), the tests that -m
    left out included: `make test` runs the fast layer first, with `-m`."""
    collected = [*items, *_deselected]
    real = sum(1 for item in collected if any(m in item.keywords for m in REAL_STACK_MARKERS))
    fast = len(collected) - real
    share = f" ({100 * fast / len(collected):.0f}% fast)" if collected else ""
    ran = f"; this run: {len(items)}" if _deselected else ""
    return (
        f"layers: {fast} fast (unit, workflow, web on fakes), {real} on the real stack{share}{ran}"
    )


# The fast layer hashes passwords with the same scrypt at a low cost (N=2**10, not 2**15):
# a sign-up, sign-in or password change then costs ~4 ms of CPU, not ~120 ms. The tests
# marked `production_password_hashing`, and the real stack's, keep production's cost.
FAST_PASSWORD_HASH_METHOD = "scrypt:1024:8:1"


@pytest.fixture(autouse=True)
def _cheap_password_hashing(request, monkeypatch):
    keywords = request.node.keywords
    if "production_password_hashing" in keywords or any(m in keywords for m in REAL_STACK_MARKERS):
        return
    monkeypatch.setattr("web.auth.accounts.PASSWORD_HASH_METHOD", FAST_PASSWORD_HASH_METHOD)


def _free_port_settings(var_dir) -> Settings:
    from stack.ports import settings_on_free_ports

    return settings_on_free_ports(
        var_dir,
        secret_key="test-secret-key",
        environment="dev",  # the test keys are public on purpose
        # Random per session: the web tier seals cards with them and the workers open them.
        vault_keys=(secrets.token_urlsafe(48),),
        # A random search key, so a test may run a process in production mode (which
        # refuses the embedded default key) against the session's Typesense.
        typesense_api_key=secrets.token_urlsafe(32),
        # Abuse limits out of the way of other features; tests of the limits lower them.
        login_limit_per_ip="1000000 per minute",
        login_limit_per_account="1000000 per minute",
        login_limit_per_account_address="1000000 per minute",
        register_limit_per_ip="1000000 per minute",
        payment_limit_per_checkout="1000000 per minute",
        payment_limit_per_user="1000000 per minute",
        begin_limit_per_user="1000000 per minute",
        shopper_write_limit_per_user="1000000 per minute",
        hold_limit_per_item="1000000 per minute",
        password_reset_limit_per_ip="1000000 per minute",
        password_reset_limit_per_account="1000000 per minute",
        max_held_units_per_item=100,
        # Stream caps out of the way too (tests/security lowers them).
        sse_streams_per_address=100_000,
        sse_streams_per_user=100_000,
        task_queue="shopflow-test",
        search_cache_ttl_seconds=30,
    )


@pytest.fixture(scope="session")
def stack_settings(tmp_path_factory) -> Settings:
    """Settings pointing at real, migrated servers shared by the whole session."""
    from db.postgres.migrate import upgrade
    from stack import EmbeddedStack

    base = _free_port_settings(tmp_path_factory.mktemp("var"))
    stack = EmbeddedStack(base)
    try:
        settings = stack.up().as_settings(base)
        upgrade(settings.database_url)
        yield settings
    finally:
        stack.down()


@pytest.fixture(scope="session")
def engine(stack_settings):
    from db.postgres.engine import make_engine

    eng = make_engine(stack_settings.database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def assert_invariants(engine):
    """Call after a scenario: fails the test with every violation of I1-I3."""
    from datetime import UTC, datetime

    from db.postgres.invariants import check_invariants

    def check() -> None:
        report = check_invariants(engine, now=datetime.now(UTC))
        assert report.ok, "\n".join(f"{v.invariant}: {v.detail}" for v in report.violations)

    return check


def table_count(engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


@pytest.fixture(scope="session")
def isolated_settings(stack_settings):
    """Factory: Settings on their own fresh, migrated database and search alias.

    For tests that load or wipe a whole catalogue (the loader, the reindex workflow)
    without disturbing the session's shared catalogue.
    """
    from dataclasses import replace

    from sqlalchemy.engine import make_url

    from db.postgres.engine import make_engine
    from db.postgres.migrate import upgrade

    admin = make_engine(stack_settings.database_url, pool_size=1)
    created: list[str] = []

    def make(name: str) -> Settings:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        url = make_url(stack_settings.database_url).set(database=name)
        settings = replace(
            stack_settings,
            database_url=url.render_as_string(hide_password=False),
            typesense_collection=name,
        )
        upgrade(settings.database_url)
        return settings

    yield make
    admin.dispose()


@pytest.fixture(scope="session")
def demo_catalog(stack_settings):
    """The session's shared catalogue: 3,000 generated items (seed 42) in 6 warehouses."""
    from catalog.generator import generate_items, generate_warehouses
    from catalog.loader import load_catalog

    warehouses = generate_warehouses(6, 42)
    items = list(generate_items(3000, warehouse_ids=[w.id for w in warehouses], seed=42))
    load_catalog(stack_settings, warehouses, items, total=len(items), progress=False)
    return items


class CheckoutWorkers:
    """Real Temporal workers (every workflow and activity of entrypoints/worker.py) on one
    background thread with its own event loop, against the session's Temporal dev server.

    The session's own database is served on `stack_settings.task_queue` from the start. Tests
    on another database (tests/web's checkout tests have one of their own) call
    `serve(settings)`: a second worker on that database, on a task queue of its own,
    and Settings that point an app at it.
    """

    THREADS = 8

    def __init__(self, settings: Settings) -> None:
        import asyncio
        import threading

        self.settings = settings
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="checkout-worker", daemon=True
        )
        self._thread.start()
        self._client = self.run(self._connect())
        self._served: dict[str, tuple] = {}  # database url -> (settings, worker, run, ...)
        self.serve(settings)

    def run(self, coroutine, timeout: float = 60.0):
        """Run a coroutine on the workers' loop (with their client) and wait for it."""
        import asyncio

        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    @property
    def client(self):
        return self._client

    async def _connect(self):
        import temporal_client

        return await temporal_client.connect(self.settings)

    def serve(self, settings: Settings) -> Settings:
        import asyncio
        from concurrent.futures import ThreadPoolExecutor
        from dataclasses import replace

        from sqlalchemy.engine import make_url

        from entrypoints.worker import build_resources, build_workers

        if settings.database_url in self._served:
            return self._served[settings.database_url][0]
        task_queue = self.settings.task_queue
        if settings.database_url != self.settings.database_url:
            task_queue += "-" + make_url(settings.database_url).database
        served = replace(settings, task_queue=task_queue)
        resources = build_resources(served, pool_size=self.THREADS)
        executor = ThreadPoolExecutor(self.THREADS, thread_name_prefix=f"activity-{task_queue}")

        async def start():
            # One worker per service's queue (workflows/task_queues.py), as `shopflow worker`.
            workers = build_workers(
                self._client, resources, executor, task_queue=task_queue, threads=self.THREADS
            )
            return workers, asyncio.ensure_future(asyncio.gather(*(w.run() for w in workers)))

        workers, running = self.run(start())
        self._served[settings.database_url] = (served, workers, running, resources, executor)
        return served

    def end_checkouts(self, task_queue: str) -> None:
        """Cancel every checkout still running on `task_queue` (stock back, nothing left held)."""
        from temporalio.client import WorkflowUpdateFailedError
        from temporalio.service import RPCError

        from workflows.checkout import CheckoutWorkflow
        from workflows.checkout_messages import CancelRequest
        from workflows.task_queues import Service
        from workflows.task_queues import task_queue as queue_of

        checkout_queue = queue_of(task_queue, Service.CHECKOUT)

        async def end_all():
            query = (
                f"WorkflowType = 'CheckoutWorkflow' AND TaskQueue = '{checkout_queue}' "
                "AND ExecutionStatus = 'Running'"
            )
            async for execution in self._client.list_workflows(query):
                handle = self._client.get_workflow_handle(execution.id, run_id=execution.run_id)
                try:
                    view = await handle.query(CheckoutWorkflow.state)
                    await handle.execute_update(
                        CheckoutWorkflow.cancel, CancelRequest(view.user_id)
                    )
                except (RPCError, WorkflowUpdateFailedError):
                    pass  # already over, or an order being placed: it ends by itself

        self.run(end_all())

    def close(self) -> None:
        for _, workers, running, resources, executor in self._served.values():
            try:
                for worker in workers:
                    self.run(worker.shutdown())
                self.run(_wait_for(running))
            finally:
                executor.shutdown(wait=False)
                resources.close()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


async def _wait_for(future) -> None:
    try:
        await future
    except Exception:  # a worker that failed has said so in the log already
        pass


@pytest.fixture(scope="session")
def checkout_worker(stack_settings) -> CheckoutWorkers:
    """Real checkout workers for the session (see CheckoutWorkers); the web app's task
    queue is `stack_settings.task_queue`, so `build_web_app(stack_settings)` checks out against it."""
    workers = CheckoutWorkers(stack_settings)
    try:
        yield workers
    finally:
        workers.close()
