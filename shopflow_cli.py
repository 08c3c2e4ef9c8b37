"""The `shopflow` command. Each feature owns its click group; this file only wires them."""

from __future__ import annotations

import click


@click.group()
def cli() -> None:
    """shopflow: an Amazon-like store on Flask, Temporal, PostgreSQL, Redis and Typesense."""


def _register() -> None:
    from catalog.cli import catalog_group
    from db.cli import check_command, migrate_command
    from stack.cli import stack_group
    from stack.run import run_command, web_command
    from web.auth.cli import users_group
    from workflows.worker import worker_command

    cli.add_command(stack_group)
    cli.add_command(run_command)
    cli.add_command(web_command)
    cli.add_command(migrate_command)
    cli.add_command(check_command)
    cli.add_command(catalog_group)
    cli.add_command(worker_command)
    cli.add_command(users_group)


def main() -> None:
    _register()
    cli()


if __name__ == "__main__":
    main()
