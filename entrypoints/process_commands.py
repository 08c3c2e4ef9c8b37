"""The long-running processes' commands: `shopflow worker` and `shopflow stock-relay`.

Their settings are checked before the process's own modules are imported, so a refused
configuration (and `--help`) answers at once, not after importing Temporal, SQLAlchemy
and every activity (about 2 s of CPU).
"""

from __future__ import annotations

import sys

import click

from settings import Settings, pass_settings, require_safe_secrets

ACTIVITY_THREADS = 16


def mail_problem(settings: Settings) -> str | None:
    """Emails are part of the order (docs/email.md): outside dev the worker needs SMTP_URL."""
    if not settings.is_dev and not settings.smtp_url:
        return "SMTP_URL is not set (SHOPFLOW_ENV=production)"
    return None


@click.command("worker")
@click.option("--threads", default=ACTIVITY_THREADS, show_default=True, help="Activity threads.")
@pass_settings
def worker_command(settings: Settings, threads: int) -> None:
    """Run the Temporal worker (all workflows and activities) until SIGINT/SIGTERM."""
    # Before connecting anywhere: weak keys stop it (dev aside); `pass_settings` already
    # refused a partial set of service URLs (settings.require_complete).
    require_safe_secrets(settings)
    if problem := mail_problem(settings):
        click.echo(f"Cannot start the worker: {problem}.", err=True)
        sys.exit(2)
    from entrypoints.worker import run_worker_process

    run_worker_process(settings, threads)


@click.command("stock-relay")
@pass_settings
def stock_relay_command(settings: Settings) -> None:
    """Relay committed stock changes to Redis (live stock) and Typesense (in_stock)."""
    from entrypoints.stock_relay import run_stock_relay

    run_stock_relay(settings)
