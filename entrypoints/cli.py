"""The `shopflow` command. Each feature owns its click group; this file only wires them.

The group resolves the settings once (service URLs from the environment, else the
embedded stack's under var/) and hands them to every command as the click context
object: a feature command reads them with `click.get_current_context().find_object(Settings)`
and never imports the launcher. `shopflow run` and `shopflow stack` start servers and
work from the environment's settings themselves.
"""

from __future__ import annotations

import click

from entrypoints.runtime import running_settings
from settings import Settings


@click.group()
@click.pass_context
def cli(ctx: click.Context) -> None:
    """shopflow: an Amazon-like store on Flask, Temporal, PostgreSQL, Redis and Typesense."""
    ctx.obj = running_settings(Settings.from_env())


def register() -> None:
    from db.postgres.cli import check_command, migrate_command
    from entrypoints.catalog_reindex import catalog_commands
    from entrypoints.run import run_command, web_command
    from entrypoints.stock_relay import stock_relay_command
    from entrypoints.worker import worker_command
    from stack.cli import stack_group
    from web.auth.cli import users_group
    from web.mail.cli import mail_group
    from web.waiting_room.cli import items_group

    cli.add_command(stack_group)
    cli.add_command(run_command)
    cli.add_command(web_command)
    cli.add_command(migrate_command)
    cli.add_command(check_command)
    cli.add_command(catalog_commands())
    cli.add_command(worker_command)
    cli.add_command(users_group)
    cli.add_command(stock_relay_command)
    cli.add_command(items_group)
    cli.add_command(mail_group)


def main() -> None:
    register()
    cli()
