"""At worker start: which open workflows today's code can no longer replay, said plainly.

Before 1.0 workflows change without `workflow.patched` (docs/architecture.md,
"Changing a workflow"). A checkout or order still open from before such a change
would make this worker fail its workflow tasks over and over, quietly; instead the
worker replays every open workflow's history on its task queue when it starts and
prints the ones that no longer replay, with what to do about them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from temporalio.client import Client
from temporalio.worker import Replayer, WorkflowRunner

# Replaying costs about a workflow task per history: check at most this many (the
# newest first), which covers a store's open checkouts and orders many times over.
MAX_CHECKED = 1000


@dataclass(frozen=True)
class Unreplayable:
    workflow_id: str
    reason: str


@dataclass(frozen=True)
class ReplayReport:
    checked: int
    unreplayable: list[Unreplayable]

    def lines(self, temporal_address: str, namespace: str) -> list[str]:
        if not self.unreplayable:
            return []
        ids = ", ".join(u.workflow_id for u in self.unreplayable[:20])
        more = len(self.unreplayable) - 20
        return [
            f"WARNING: {len(self.unreplayable)} of {self.checked} open workflows were started "
            "by code this worker can no longer replay; their tasks will fail until they end:",
            f"  {ids}" + (f" and {more} more" if more > 0 else ""),
            f"  first reason: {self.unreplayable[0].reason[:300]}",
            "  Before 1.0 workflows change without patches (docs/architecture.md). Either",
            "  - let them finish on the version that started them (run that version's",
            "    worker until they close, then this one), or",
            "  - start afresh: stop the store and delete var/ (`make clean-var`).",
            f"  Terminating them by hand (temporal workflow terminate --address {temporal_address}",
            f"  --namespace {namespace} --workflow-id <id>) skips their compensation: held",
            "  stock and authorised payments stay until someone gives them back.",
        ]


async def find_unreplayable(
    client: Client,
    workflows: Sequence[type],
    *,
    task_queue: str,
    runner: WorkflowRunner | None = None,
    limit: int = MAX_CHECKED,
) -> ReplayReport:
    """Replay the history of every open workflow on `task_queue` with `workflows`."""
    replayer_options = {"workflow_runner": runner} if runner is not None else {}
    replayer = Replayer(
        workflows=list(workflows),
        data_converter=client.data_converter,
        namespace=client.namespace,
        **replayer_options,
    )
    query = f"ExecutionStatus = 'Running' AND TaskQueue = '{task_queue}'"
    histories = client.list_workflows(query, limit=limit).map_histories()
    checked = 0
    failed: list[Unreplayable] = []
    async with replayer.workflow_replay_iterator(histories) as results:
        async for result in results:
            checked += 1
            if result.replay_failure is not None:
                failed.append(Unreplayable(result.history.workflow_id, str(result.replay_failure)))
    return ReplayReport(checked, failed)
