"""The long-running processes' commands: `shopflow worker` and `shopflow stock-relay`.

Their settings are checked before the process's own modules are imported, so a refused
configuration (and `--help`) answers at once, not after importing Temporal, SQLAlchemy
and every activity (about 2 s of CPU).
"""

from __future__ import annotations

import sys

import click

from settings import Settings, pass_settings, require_safe_secrets
from workflows.task_queues import ALL_SERVICES, Service

ACTIVITY_THREADS = 16


def mail_problem(settings: Settings) -> str | None:
    """Emails are part of the order (docs/email.md): outside dev the worker needs SMTP_URL."""
    if not settings.is_dev and not settings.smtp_url:
        return "SMTP_URL is not set (SHOPFLOW_ENV=production)"
    return None


def parse_queues(text: str) -> tuple[Service, ...]:
    """`--queues checkout,fulfilment` (or `all`) -> the services, each once, in order."""
    if text.strip() == "all":
        return ALL_SERVICES
    names = [name.strip() for name in text.split(",") if name.strip()]
    known = {service.value: service for service in Service}
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        choices = ", ".join(known)
        raise click.BadParameter(f"{', '.join(unknown) or text!r}: choose from all, {choices}")
    return tuple(dict.fromkeys(known[name] for name in names))


@click.command("worker")
@click.option("--threads", default=ACTIVITY_THREADS, show_default=True, help="Activity threads.")
@click.option(
    "--queues",
    default="all",
    show_default=True,
    help="The services whose task queues this worker polls: all, or a comma-separated "
    "list of checkout, fulfilment, catalog (docs/scaling.md).",
)
@pass_settings
def worker_command(settings: Settings, threads: int, queues: str) -> None:
    """Run the Temporal worker for the given services until SIGINT/SIGTERM."""
    try:
        services = parse_queues(queues)
    except click.BadParameter as error:
        error.param_hint = "'--queues'"
        raise
    # Before connecting anywhere: weak keys stop it (dev aside); `pass_settings` already
    # refused a partial set of service URLs (settings.require_complete).
    require_safe_secrets(settings)
    if problem := mail_problem(settings):
        click.echo(f"Cannot start the worker: {problem}.", err=True)
        sys.exit(2)
    from entrypoints.worker import run_worker_process

    run_worker_process(settings, threads, services)


@click.command("stock-relay")
@pass_settings
def stock_relay_command(settings: Settings) -> None:
    """Relay committed stock changes to Redis (live stock) and Typesense (in_stock)."""
    from entrypoints.stock_relay import run_stock_relay

    run_stock_relay(settings)
