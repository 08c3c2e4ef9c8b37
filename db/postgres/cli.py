"""`shopflow migrate` and `shopflow check`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

import click

from settings import Settings, pass_settings


@click.command("migrate")
@pass_settings
def migrate_command(settings: Settings) -> None:
    """Apply database migrations up to head."""
    from db.postgres.migrate import upgrade

    upgrade(settings.database_url)
    click.echo("database migrated to head")


@click.command("check")
@click.option("--limit", default=50, show_default=True, help="Most violations listed per check.")
@pass_settings
def check_command(settings: Settings, limit: int) -> None:
    """Verify stock invariants I1-I3 over the whole database (exit 1 when broken)."""
    from db.postgres.engine import make_engine
    from db.postgres.invariants import check_invariants

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
