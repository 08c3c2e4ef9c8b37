"""`shopflow catalog reindex`: rebuild the search index with the ReindexCatalog workflow.

It connects to Temporal and starts the workflow, so it lives in the composition root;
`catalog_commands()` is the `catalog` group (catalog/cli.py) with it added, which is
also what `catalog import --reindex workflow` invokes.
"""

from __future__ import annotations

import asyncio

import click
from temporalio.common import WorkflowIDConflictPolicy

import temporal_client
from catalog.cli import catalog_group
from settings import Settings, pass_settings
from workflows.reindex import ReindexCatalogWorkflow
from workflows.reindex_messages import REINDEX_WORKFLOW_ID, ReindexInput
from workflows.task_queues import Service, task_queue


def catalog_commands() -> click.Group:
    """The `catalog` group with `reindex` in it (adding it twice is harmless)."""
    catalog_group.add_command(reindex_command)
    return catalog_group


@click.command("reindex")
@click.option("--batch-size", type=click.IntRange(min=1), default=5000, show_default=True)
@click.option("--parallelism", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--wait/--no-wait", default=True, show_default=True, help="Wait for the result.")
@click.option(
    "--without-temporal", is_flag=True, help="Rebuild in this process instead (no worker needed)."
)
@pass_settings
def reindex_command(
    settings: Settings, batch_size: int, parallelism: int, wait: bool, without_temporal: bool
) -> None:
    """Rebuild the search index from PostgreSQL with the ReindexCatalog workflow."""
    if without_temporal:
        from catalog.loader import reindex_from_database

        reindex_from_database(settings, batch_size=batch_size)
        return
    asyncio.run(start_reindex(settings, batch_size, parallelism, wait))


async def start_reindex(settings: Settings, batch_size: int, parallelism: int, wait: bool) -> None:
    client = await temporal_client.connect(settings)
    handle = await client.start_workflow(
        ReindexCatalogWorkflow.run,
        ReindexInput(batch_size=batch_size, parallelism=parallelism),
        id=REINDEX_WORKFLOW_ID,
        task_queue=task_queue(settings.task_queue, Service.CATALOG),
        # A reindex already running is joined, not duplicated.
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    click.echo(f"Reindex workflow id: {handle.id} (run {handle.result_run_id})")
    click.echo(
        f"Follow it in the Temporal Web UI under namespace {settings.temporal_namespace!r}, "
        f"e.g. http://127.0.0.1:{settings.temporal_ui_port}/namespaces/"
        f"{settings.temporal_namespace}/workflows/{handle.id} for the embedded stack."
    )
    if not wait:
        return
    queue = task_queue(settings.task_queue, Service.CATALOG)
    click.echo(f"Waiting for a worker on task queue {queue!r} (`shopflow worker`)...")
    result = await handle.result()
    click.echo(
        f"Indexed {result.documents:,} items into {result.collection} "
        f"(catalogue version {result.version}, {result.errors} rejected)."
    )
