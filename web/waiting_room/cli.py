"""`shopflow items hot <itemID> --on|--off`: switch an item into waiting-room mode or back.

The same switch as the staff page and `PUT /api/v1/items/<id>/hot`: the flag in
PostgreSQL, the item's WaitingRoomWorkflow started in Temporal (needs a worker), and
on `--off` everyone still waiting let through.
"""

from __future__ import annotations

import sys

import click

from settings import Settings, pass_settings


@click.group("items")
def items_group() -> None:
    """Catalogue items: operator switches."""


@items_group.command("hot")
@click.argument("item_id", type=click.IntRange(min=1, max=2**63 - 1))
@click.option("--on/--off", "enabled", required=True, help="Waiting-room mode on or off.")
@pass_settings
def hot_command(settings: Settings, item_id: int, enabled: bool) -> None:
    """Switch ITEM_ID into waiting-room mode (--on) or back (--off)."""
    from db.postgres.engine import make_engine, make_session_factory
    from db.redis.connect import redis_client
    from web.temporal_gateway import TemporalGateway
    from web.waiting_room.workflow_client import UnknownItem, switch

    if not settings.database_url or not settings.redis_url:
        click.echo("error: DATABASE_URL and REDIS_URL are needed (start the stack).", err=True)
        sys.exit(2)
    engine = make_engine(settings.database_url, pool_size=1)
    client = redis_client(settings)
    gateway = TemporalGateway(settings) if settings.temporal_address else None
    try:
        outcome = switch(
            make_session_factory(engine), client, gateway, settings, item_id, enabled, by=None
        )
    except UnknownItem:
        click.echo(f"error: there is no item {item_id}", err=True)
        sys.exit(1)
    finally:
        if gateway is not None:
            gateway.close()
        client.close()
        engine.dispose()
    if outcome.hot:
        click.echo(f"item {item_id} is hot: its shoppers queue to buy it")
        if outcome.workflow_running:
            click.echo(
                f"waiting room workflow: {outcome.waiting_room_workflow_id} (see the Temporal Web UI)"
            )
        else:
            click.echo(
                "Temporal is out of reach: the waiting room workflow starts with the first shopper to join"
            )
    else:
        click.echo(
            f"item {item_id} is no longer hot; {outcome.released} waiting shoppers let through"
        )
