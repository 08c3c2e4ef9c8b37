"""The `shopflow` command. Each feature owns its click group; this file only wires them.

Commands are imported when they run, not before: `shopflow --help` lists them from the
table below without importing Flask, SQLAlchemy or Temporal. The group puts a
`LazySettings` on the click context; a command that needs settings takes them with
`@pass_settings` (settings.py), which resolves them once, on first use: service URLs
from the environment or `.env` (`entrypoints/runtime.py`), else, in dev only, the
embedded stack's. `--help` resolves nothing and writes nothing. A bad or incomplete
setting ends the command with its sentence and exit status 2, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

# name -> (module:attribute, one-line help shown by `shopflow --help`)
COMMANDS = {
    "run": ("entrypoints.run:run_command", "Start the whole store on the embedded stack (dev)."),
    "web": ("entrypoints.run:web_command", "Serve the storefront with gunicorn."),
    "worker": ("entrypoints.process_commands:worker_command", "Run the Temporal worker."),
    "stock-relay": (
        "entrypoints.process_commands:stock_relay_command",
        "Relay committed stock changes to Redis and Typesense.",
    ),
    "migrate": ("db.postgres.cli:migrate_command", "Apply database migrations up to head."),
    "check": ("db.postgres.cli:check_command", "Verify stock invariants I1-I3."),
    "catalog": (
        "entrypoints.catalog_reindex:catalog_commands",
        "Generate, load and reindex the product catalogue.",
    ),
    "users": ("web.auth.cli:users_group", "Shopper and staff accounts."),
    "items": ("web.waiting_room.cli:items_group", "Catalogue items: operator switches."),
    "stack": ("stack.cli:stack_group", "The embedded servers under ./var/ (dev)."),
    "mail": ("web.mail.cli:mail_group", "The embedded mail server's Maildir (dev)."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name][0].split(":")
        found = getattr(importlib.import_module(module), attribute)
        # A command, or a function that assembles one (catalog: its group plus reindex).
        return found if isinstance(found, click.Command) else found()

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, short) in COMMANDS.items()])


def _version() -> str:
    from importlib.metadata import version

    return version("shopflow")


@click.group(cls=LazyGroup)
@click.version_option(version=None, package_name="shopflow", prog_name="shopflow")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """shopflow: an Amazon-like store on Flask, Temporal, PostgreSQL, Redis and Typesense."""
    from entrypoints.runtime import resolved_settings
    from settings import LazySettings

    ctx.obj = LazySettings(resolved_settings)


def main() -> None:
    from settings import SettingsError

    try:
        cli()
    except SettingsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
