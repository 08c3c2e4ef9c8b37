"""`shopflow users create --email E --password P [--role staff]`: accounts for operators.

Same rules as the register page (valid email, a password that isn't trivially
guessable); reads the database `shopflow` resolved, like `shopflow migrate`.
"""

from __future__ import annotations

import sys

import click

from settings import Settings, pass_settings


@click.group("users")
def users_group() -> None:
    """Shopper and staff accounts."""


@users_group.command("create")
@click.option("--email", required=True, help="Sign-in email (stored lower-case).")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for (hidden) when left out.",
)
@click.option(
    "--role",
    type=click.Choice(["shopper", "staff"]),
    default="shopper",
    show_default=True,
    help="staff may use the operator and warehouse pages.",
)
@pass_settings
def create_command(settings: Settings, email: str, password: str, role: str) -> None:
    """Create an account."""
    from db.postgres.engine import make_engine, make_session_factory
    from web.auth.accounts import AccountError, register

    engine = make_engine(settings.database_url, pool_size=1)
    try:
        user = register(make_session_factory(engine), email=email, password=password, role=role)
    except AccountError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"created {user.role} {user.email} (user id {user.id})")
