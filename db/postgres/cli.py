"""`shopflow migrate` and `shopflow check`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

import click

from settings import Settings


def _settings() -> Settings:
    """The settings `shopflow` resolved once (entrypoints/cli.py); the environment's alone."""
    return click.get_current_context().find_object(Settings) or Settings.from_env()


def _database_url() -> str:
    return _settings().database_url


@click.command("migrate")
def migrate_command() -> None:
    """Apply database migrations up to head."""
    from db.postgres.migrate import upgrade

    upgrade(_database_url())
    click.echo("database migrated to head")


@click.command("check")
@click.option("--limit", default=50, show_default=True, help="Most violations listed per check.")
def check_command(limit: int) -> None:
    """Verify stock invariants I1-I3 over the whole database (exit 1 when broken)."""
    from db.postgres.engine import make_engine
    from db.postgres.invariants import check_invariants

    settings = _settings()
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        report = check_invariants(
            engine,
            now=datetime.now(UTC),
            limit=limit,
            sweep_grace=timedelta(seconds=settings.hold_sweep_grace_seconds),
        )
    finally:
        engine.dispose()
    if report.ok:
        click.echo(report.summary())
        return
    for violation in report.violations:
        click.echo(f"{violation.invariant}: {violation.detail}", err=True)
    click.echo(report.summary(), err=True)
    sys.exit(1)
