"""`shopflow worker [--queues checkout,fulfilment,catalog]`: polls the task queue of each
service it is given (all three by default), each with that service's workflows
(workflows/task_queues.py, docs/scaling.md "Task queues").

This is also the one place that lists what the worker runs: a new workflow goes in
WORKFLOWS under its service; new activities are built in `build_activities` from the shared
`WorkerResources` (add a client there if they need one). It lives in the composition
root, not under workflows/, because it imports the non-deterministic world
(SQLAlchemy, Redis, the payment gateway) that workflow modules must never touch.

Real clients (PostgreSQL pool, Typesense, Temporal) are built here and only here.
Activities are synchronous (SQLAlchemy, Typesense client) and run on a thread pool;
workflows run on the event loop in Temporal's sandbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import redis
from sqlalchemy import Engine
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
)
from temporalio.runtime import Runtime
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

import temporal_client
from activities.catalog import CatalogActivities
from activities.checkout import CheckoutActivities
from activities.fulfilment import FulfilmentActivities
from activities.hold_sweep import HoldSweepActivities
from activities.mail import MailActivities, SmtpSender
from activities.order_starter import OrderStarter
from activities.refunds import RefundActivities
from activities.returns import ReturnActivities
from activities.unshipped import UnshippedActivities
from activities.vault_sweep import VaultSweepActivities
from activities.waiting_room import WaitingRoomActivities
from db.postgres.engine import make_engine
from db.postgres.timeouts import bounded_sessions
from db.redis.connect import redis_client
from db.search.index import BULK_TIMEOUT_SECONDS, SearchIndex, make_typesense_client
from entrypoints.logging_setup import configure_logging
from entrypoints.payment_gateway import payment_gateway
from entrypoints.process_commands import ACTIVITY_THREADS
from entrypoints.replay_check import find_unreplayable
from entrypoints.telemetry import configure_tracing, worker_metrics_url, worker_runtime
from settings import Settings
from workflows.checkout import CheckoutWorkflow
from workflows.email import EmailWorkflow
from workflows.hold_sweep import HoldSweepWorkflow
from workflows.hold_sweep_messages import EVERY as SWEEP_EVERY
from workflows.hold_sweep_messages import SweepRequest, schedule_id
from workflows.order import OrderWorkflow
from workflows.reindex import ReindexCatalogWorkflow
from workflows.returns import ReturnWorkflow
from workflows.suborder import SuborderWorkflow
from workflows.task_queues import ALL_SERVICES, Service
from workflows.task_queues import task_queue as queue_of
from workflows.waiting_room import WaitingRoomWorkflow

log = logging.getLogger("shopflow.worker")

# Our workflow modules and domain/ are deterministic and keep no module state, so the
# sandbox may load them once per process instead of re-importing (and, with
# PYTHONDONTWRITEBYTECODE, recompiling) them for every new workflow run: a profile of
# bench.checkout showed ~20% of the worker's CPU going to that re-import.
SANDBOX = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules("domain", "workflows")
)
# In-flight activities get this long to finish on SIGTERM before they are cancelled
# (Temporal retries them elsewhere either way; they are idempotent).
GRACEFUL_SHUTDOWN = timedelta(seconds=10)


# Each service's workflows, on its own task queue. Every worker registers every activity
# (they are cheap objects on shared clients): an activity runs on the queue of the
# workflow that schedules it, so a service's worker only ever gets its own.
WORKFLOWS_BY_SERVICE: dict[Service, list[type]] = {
    Service.CHECKOUT: [CheckoutWorkflow, HoldSweepWorkflow, WaitingRoomWorkflow],
    Service.FULFILMENT: [OrderWorkflow, SuborderWorkflow, EmailWorkflow, ReturnWorkflow],
    Service.CATALOG: [ReindexCatalogWorkflow],
}
WORKFLOWS: list[type] = [w for group in WORKFLOWS_BY_SERVICE.values() for w in group]


@dataclass
class WorkerResources:
    """Long-lived clients shared by all activity instances of one worker process."""

    settings: Settings
    engine: Engine
    search_index: SearchIndex
    # The warehouses' suborder queues (Redis streams); None where no Redis is configured.
    redis: redis.Redis | None = None

    def close(self) -> None:
        self.engine.dispose()
        if self.redis is not None:
            self.redis.close()


def build_activities(resources: WorkerResources, client: Client, base_queue: str) -> list[Callable]:
    """Every activity, built on `resources`; orders start through `client` on the
    fulfilment queue of `base_queue`."""
    catalog = CatalogActivities(resources.engine, resources.search_index)
    # Every activity transaction is bounded (lock and statement timeouts under the
    # activity attempt), so a timed-out attempt can never commit late: db/postgres/timeouts.py.
    sessions = bounded_sessions(resources.engine)
    # The same gateway the web vaults cards with (entrypoints/payment_gateway.py).
    gateway = payment_gateway(sessions, resources.settings)
    checkout = CheckoutActivities(sessions, gateway)
    fulfilment = FulfilmentActivities(
        sessions, resources.redis, default_strategy=resources.settings.allocation_strategy
    )
    refunds = RefundActivities(sessions, gateway)
    returns = ReturnActivities(sessions, gateway)
    settings = resources.settings
    mail = MailActivities(
        sessions,
        SmtpSender(settings.smtp_url, settings.mail_from) if settings.smtp_url else None,
        store_url=settings.store_url,
        reset_ttl_seconds=settings.password_reset_ttl_seconds,
    )
    orders = OrderStarter(client, queue_of(base_queue, Service.FULFILMENT))
    sweeper = HoldSweepActivities(sessions, client, checkout)
    vault_sweeper = VaultSweepActivities(gateway)
    # The waiting rooms' lines live in Redis: no Redis, no waiting room workflow.
    waiting_room = (
        WaitingRoomActivities(sessions, resources.redis).activities() if resources.redis else []
    )
    return [
        *catalog.activities(),
        *checkout.activities(),
        *fulfilment.activities(),
        *refunds.activities(),
        *UnshippedActivities(sessions).activities(),
        *returns.activities(),
        *mail.activities(),
        *orders.activities(),
        *sweeper.activities(),
        *vault_sweeper.activities(),
        *waiting_room,
    ]


def build_resources(settings: Settings, *, pool_size: int = ACTIVITY_THREADS) -> WorkerResources:
    assert settings.database_url is not None
    return WorkerResources(
        settings=settings,
        # No pre-ping round trip per activity: Temporal retries an attempt that met a
        # dropped connection (db/postgres/engine.py).
        engine=make_engine(
            settings.database_url, pool_size=pool_size, max_overflow=4, pre_ping=False
        ),
        # Activities import thousands of documents per call: the 3 s default is too short.
        search_index=SearchIndex(
            make_typesense_client(settings, timeout=BULK_TIMEOUT_SECONDS),
            settings.typesense_collection,
        ),
        redis=redis_client(settings) if settings.redis_url else None,
    )


async def connect_temporal(settings: Settings, *, runtime: Runtime | None = None) -> Client:
    assert settings.temporal_address is not None
    return await temporal_client.connect(settings, runtime=runtime)


def build_workers(
    client: Client,
    resources: WorkerResources,
    executor: ThreadPoolExecutor,
    *,
    task_queue: str,
    services: Iterable[Service] = ALL_SERVICES,
    threads: int = ACTIVITY_THREADS,
) -> list[Worker]:
    """One worker per service, on `<task_queue>-<service>`; `executor` has `threads` threads."""
    activities = build_activities(resources, client, task_queue)
    return [
        _worker(client, executor, queue_of(task_queue, service), service, activities, threads)
        for service in services
    ]


@contextlib.asynccontextmanager
async def running(workers: list[Worker]) -> AsyncIterator[list[Worker]]:
    """Run every worker until the block ends, then drain them all."""
    async with contextlib.AsyncExitStack() as stack:
        for worker in workers:
            await stack.enter_async_context(worker)
        yield workers


def _worker(
    client: Client,
    executor: ThreadPoolExecutor,
    queue: str,
    service: Service,
    activities: list[Callable],
    threads: int,
) -> Worker:
    return Worker(
        client,
        task_queue=queue,
        workflows=WORKFLOWS_BY_SERVICE[service],
        activities=activities,
        activity_executor=executor,
        max_concurrent_activities=threads,
        # Checkout steps are local activities on the same thread pool: admitting more
        # than there are threads only queues them and eats into their timeouts.
        max_concurrent_local_activities=threads,
        graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
        workflow_runner=SANDBOX,
    )


async def warn_about_unreplayable(
    client: Client, settings: Settings, services: Iterable[Service] = ALL_SERVICES
) -> None:
    """Say plainly which open workflows this code cannot replay (entrypoints/replay_check.py)."""
    for service in services:
        queue = queue_of(settings.task_queue, service)
        report = await find_unreplayable(
            client, WORKFLOWS_BY_SERVICE[service], task_queue=queue, runner=SANDBOX
        )
        for line in report.lines(settings.temporal_address or "", settings.temporal_namespace):
            log.warning("%s", line)
        if report.checked and not report.unreplayable:
            log.info("Replay check: all %d open workflows on %s replay", report.checked, queue)


async def ensure_hold_sweep_schedule(client: Client, settings: Settings) -> str:
    """Create (or bring up to date) the Schedule that sweeps leaked holds every minute.

    Idempotent: every worker start calls it; the first creates the schedule, the others
    find it and rewrite it to this definition (same id per task queue).
    """
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            HoldSweepWorkflow.run,
            SweepRequest(settings.hold_sweep_grace_seconds),
            id=f"{schedule_id(settings.task_queue)}-run",
            task_queue=queue_of(settings.task_queue, Service.CHECKOUT),
            execution_timeout=timedelta(minutes=2),
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=SWEEP_EVERY)]),
        # A sweep still running (Temporal was down a while) is not doubled up.
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )
    sid = schedule_id(settings.task_queue)
    try:
        await client.create_schedule(sid, schedule)
    except ScheduleAlreadyRunningError:
        await client.get_schedule_handle(sid).update(lambda _: ScheduleUpdate(schedule=schedule))
    return sid


async def run_worker(
    settings: Settings,
    stop: asyncio.Event,
    *,
    threads: int = ACTIVITY_THREADS,
    services: tuple[Service, ...] = ALL_SERVICES,
) -> None:
    """Poll until `stop` is set, then drain in-flight tasks and close every client."""
    runtime = worker_runtime(settings)
    client = await connect_temporal(settings, runtime=runtime)
    await warn_about_unreplayable(client, settings, services)
    resources = build_resources(settings, pool_size=threads)
    try:
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="activity") as executor:
            workers = build_workers(
                client,
                resources,
                executor,
                task_queue=settings.task_queue,
                services=services,
                threads=threads,
            )
            async with running(workers):
                if Service.CHECKOUT in services:  # the sweep runs on the checkout queue
                    await ensure_hold_sweep_schedule(client, settings)
                # Logged (JSON in production, docs/operations.md); tests and benches wait
                # for "Worker polling" in the output.
                log.info(
                    "Worker polling task queues %s on %s (%d workflows); Ctrl-C stops it",
                    ", ".join(repr(w.task_queue) for w in workers),
                    settings.temporal_address,
                    sum(len(WORKFLOWS_BY_SERVICE[s]) for s in services),
                )
                if runtime is not None:
                    log.info("Worker metrics: %s", worker_metrics_url(settings))
                await stop.wait()
                log.info("Worker stopping: finishing in-flight tasks...")
    finally:
        resources.close()
    log.info("Worker stopped.")


def run_worker_process(
    settings: Settings, threads: int, services: tuple[Service, ...] = ALL_SERVICES
) -> None:
    """`shopflow worker` (entrypoints/process_commands.py), once its settings passed."""
    configure_logging(settings)
    configure_tracing(settings, "shopflow-worker")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_worker(settings, stop, threads=threads, services=services)

    asyncio.run(main())
