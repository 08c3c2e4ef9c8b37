"""The one place that lists what the worker runs: every workflow, every activity.

A new workflow goes in WORKFLOWS; new activities are built in `build_activities` from
the shared `WorkerResources` (add a client there if they need one). Nothing here opens
a connection: `workflows/worker.py` builds the resources from Settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from activities.catalog import CatalogActivities
from activities.checkout import CheckoutActivities
from db.engine import make_session_factory
from db.search_index import SearchIndex
from payments.sandbox import SandboxGateway
from settings import Settings
from workflows.checkout import CheckoutWorkflow
from workflows.reindex import ReindexCatalogWorkflow

WORKFLOWS: list[type] = [
    ReindexCatalogWorkflow,
    CheckoutWorkflow,
]


@dataclass
class WorkerResources:
    """Long-lived clients shared by all activity instances of one worker process."""

    settings: Settings
    engine: Engine
    search_index: SearchIndex

    def close(self) -> None:
        self.engine.dispose()


def build_activities(resources: WorkerResources) -> list[Callable]:
    catalog = CatalogActivities(resources.engine, resources.search_index)
    sessions = make_session_factory(resources.engine)
    # The bundled sandbox gateway keeps its ledger in the store's own database; a real
    # processor adapter (same PaymentGateway protocol) would be chosen here from Settings.
    checkout = CheckoutActivities(sessions, SandboxGateway(sessions))
    return [
        *catalog.activities(),
        *checkout.activities(),
    ]
