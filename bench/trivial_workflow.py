"""The baseline of the checkout benchmark: a trivial one-activity workflow.

`TrivialWorkflow` schedules one regular (task-queue) activity that does nothing and
completes. What it costs is what the Temporal server and one Python worker charge per
workflow on this machine: start, two workflow tasks, one activity task, completion —
the floor any real workflow on the same server stands on.

    python -m bench.trivial_workflow --task-queue bench-trivial   # its worker, until SIGTERM

`bench.checkout` runs that worker as a subprocess (like `shopflow worker`, so it does
not share the load generator's GIL) and starts the workflows with `run_trivial`.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import time
from datetime import timedelta

from temporalio import activity, workflow

TASK_QUEUE = "bench-trivial"
READY_LINE = "trivial worker polling"


@activity.defn(name="bench_noop")
async def noop(n: int) -> int:
    return n


@workflow.defn(name="BenchTrivialWorkflow")
class TrivialWorkflow:
    @workflow.run
    async def run(self, n: int) -> int:
        return await workflow.execute_activity(
            noop, n, start_to_close_timeout=timedelta(seconds=30)
        )


async def run_trivial(
    address: str, namespace: str, *, count: int, concurrency: int, task_queue: str, prefix: str
) -> tuple[float, list[float]]:
    """Start `count` trivial workflows, `concurrency` at a time, each awaited to completion.

    Returns (seconds for the whole batch, per-workflow latencies in seconds).
    """
    from temporalio.client import Client

    client = await Client.connect(address, namespace=namespace)
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []

    async def one(i: int) -> None:
        async with gate:
            started = time.perf_counter()
            result = await client.execute_workflow(
                TrivialWorkflow.run, i, id=f"{prefix}-{i}", task_queue=task_queue
            )
            assert result == i
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(count)))
    return time.perf_counter() - started, latencies


async def _serve(address: str, namespace: str, task_queue: str) -> None:
    from temporalio.client import Client
    from temporalio.worker import Worker

    client = await Client.connect(address, namespace=namespace)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Worker(
        client, task_queue=task_queue, workflows=[TrivialWorkflow], activities=[noop]
    ):
        print(f"{READY_LINE} {task_queue!r}", flush=True)
        await stop.wait()


def main() -> None:
    from settings import Settings

    parser = argparse.ArgumentParser(description="Worker for the trivial baseline workflow.")
    parser.add_argument("--task-queue", default=TASK_QUEUE)
    args = parser.parse_args()
    settings = Settings.from_env()
    if not settings.temporal_address:
        raise SystemExit("TEMPORAL_ADDRESS is not set")
    asyncio.run(_serve(settings.temporal_address, settings.temporal_namespace, args.task_queue))


if __name__ == "__main__":
    main()
