"""`shopflow users create --email E --password P [--role R [--warehouse ID]...]` and
`shopflow users set-role --email E --role R [--warehouse ID]...`: the admin's tools.

Roles (domain/roles.py): shopper, warehouse (bound to one or more warehouses with
`--warehouse`, repeatable), operator, admin.

Same rules as the register page (valid email, a password that isn't trivially
guessable); reads the database `shopflow` resolved, like `shopflow migrate`.
"""

from __future__ import annotations

import sys

import click

from domain.roles import ROLES, RoleError
from settings import Settings, pass_settings

ROLE_OPTION = click.option(
    "--role",
    type=click.Choice(ROLES),
    default="shopper",
    show_default=True,
    help="warehouse: the portal of its --warehouse(s); operator: every warehouse, hot "
    "items, the codec's decode; admin: all that, accounts and the codec's encode.",
)
WAREHOUSE_OPTION = click.option(
    "--warehouse",
    type=click.IntRange(min=1),
    multiple=True,
    help="A warehouse id a warehouse worker works in (repeat for more).",
)


@click.group("users")
def users_group() -> None:
    """Shopper and staff accounts and their roles."""


@users_group.command("create")
@click.option("--email", required=True, help="Sign-in email (stored lower-case).")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for (hidden) when left out.",
)
@ROLE_OPTION
@WAREHOUSE_OPTION
@pass_settings
def create_command(
    settings: Settings, email: str, password: str, role: str, warehouse: tuple[int, ...]
) -> None:
    """Create an account."""
    from db.postgres.engine import make_engine, make_session_factory
    from web.auth.accounts import AccountError, register

    engine = make_engine(settings.database_url, pool_size=1)
    try:
        user = register(
            make_session_factory(engine),
            email=email,
            password=password,
            role=role,
            warehouses=frozenset(warehouse),
        )
    except (AccountError, RoleError) as exc:
        click.echo(f"error: {getattr(exc, 'message', exc)}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"created {user.role} {user.email} (user id {user.id}){_where(user.warehouses)}")


@users_group.command("set-role")
@click.option("--email", required=True, help="The account's sign-in email.")
@ROLE_OPTION
@WAREHOUSE_OPTION
@pass_settings
def set_role_command(settings: Settings, email: str, role: str, warehouse: tuple[int, ...]) -> None:
    """Give an account another role; its sessions and tokens end."""
    from db.postgres.engine import make_engine, make_session_factory
    from db.postgres.users import find_user_by_email, set_role
    from web.auth.accounts import normalise_email

    engine = make_engine(settings.database_url, pool_size=1)
    try:
        with make_session_factory(engine).begin() as session:
            user = find_user_by_email(session, normalise_email(email))
            if user is None:
                click.echo(f"error: there is no account {email!r}", err=True)
                sys.exit(1)
            set_role(session, user.id, role, frozenset(warehouse))
    except RoleError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    _announce_revoked(settings, user.id)
    click.echo(f"{user.email} is now {role}{_where(frozenset(warehouse))}")


def _announce_revoked(settings: Settings, user_id: int) -> None:
    """The web processes forget the account's tokens now, not after their memory lapses."""
    if not settings.redis_url:
        return
    from db.redis.connect import redis_client
    from db.redis.revocations import TokenRevocations

    client = redis_client(settings, socket_timeout=5)
    try:
        TokenRevocations(client, settings.stock_feed_namespace).announce(user_id)
    finally:
        client.close()


def _where(warehouses: frozenset[int]) -> str:
    return f", warehouses {', '.join(map(str, sorted(warehouses)))}" if warehouses else ""
