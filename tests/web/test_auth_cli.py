"""`shopflow users create`: operators create staff (or shopper) accounts from the shell."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from settings import PROJECT_ROOT
from tests.web.shoppers import PASSWORD, new_email, post_form
from web.auth.cli import users_group

pytestmark = [pytest.mark.web, pytest.mark.integration]


def run_users(web_settings, *args: str):
    return CliRunner().invoke(users_group, list(args), env=web_settings.service_env())


def role_of(app, email: str) -> str | None:
    from db.postgres.users import find_user_by_email

    with app.extensions["shopflow"].sessions() as session:
        user = find_user_by_email(session, email)
    return user and user.role


def test_an_operator_creates_a_staff_account_that_can_sign_in(app, client, web_settings):
    email = new_email("staff")

    result = run_users(
        web_settings, "create", "--email", email, "--password", PASSWORD, "--role", "operator"
    )

    assert result.exit_code == 0, result.output
    assert f"created operator {email}" in result.output
    assert role_of(app, email) == "operator"
    assert post_form(client, "/login", {"email": email, "password": PASSWORD}).status_code == 303


def test_accounts_are_shoppers_unless_said_otherwise(app, web_settings):
    email = new_email()

    result = run_users(web_settings, "create", "--email", email, "--password", PASSWORD)

    assert result.exit_code == 0, result.output
    assert role_of(app, email) == "shopper"


def test_the_password_is_asked_for_when_left_out(app, web_settings):
    email = new_email()

    result = CliRunner().invoke(
        users_group,
        ["create", "--email", email],
        input=f"{PASSWORD}\n{PASSWORD}\n",
        env=web_settings.service_env(),
    )

    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input
    assert role_of(app, email) == "shopper"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "not-an-email", "--password", PASSWORD], "doesn't look like an email"),
        (["--email", "NEW", "--password", "short"], "at least 8 characters"),
        (
            ["--email", "NEW", "--password", PASSWORD, "--role", "staff"],
            "Invalid value for '--role'",
        ),
        (
            ["--email", "NEW", "--password", PASSWORD, "--role", "warehouse"],
            "needs at least one warehouse",
        ),
        (
            ["--email", "NEW", "--password", PASSWORD, "--role", "operator", "--warehouse", "1"],
            "Only warehouse workers are bound",
        ),
        (
            ["--email", "NEW", "--password", PASSWORD, "--role", "warehouse", "--warehouse", "999"],
            "There is no warehouse 999",
        ),
    ],
)
def test_bad_accounts_are_refused_with_a_message(web_settings, args, message):
    args = [new_email() if a == "NEW" else a for a in args]

    result = run_users(web_settings, "create", *args)

    assert result.exit_code != 0
    assert message in result.output


def test_a_taken_email_is_refused(web_settings):
    email = new_email()
    run_users(web_settings, "create", "--email", email, "--password", PASSWORD)

    result = run_users(web_settings, "create", "--email", email, "--password", PASSWORD)

    assert result.exit_code == 1
    assert "already exists" in result.output


def test_the_shopflow_command_creates_users(app, web_settings):
    import click

    from entrypoints import cli

    # Fail, never skip: a skip here would hide the command going missing for good.
    users = cli.cli.get_command(click.Context(cli.cli), "users")
    assert users is not None, "`users` is not wired into entrypoints/cli.py"
    email = new_email("staff")

    done = subprocess.run(
        [sys.executable, "-m", "entrypoints", "users", "create", "--email", email,
         "--password", PASSWORD, "--role", "operator"],
        cwd=PROJECT_ROOT,
        env={**os.environ, **web_settings.service_env()},
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert role_of(app, email) == "operator"


def test_a_warehouse_worker_is_bound_to_its_warehouses_and_set_role_moves_them(app, web_settings):
    from db.postgres.users import find_user_by_email

    email = new_email("worker")
    created = run_users(
        web_settings, "create", "--email", email, "--password", PASSWORD,
        "--role", "warehouse", "--warehouse", "1", "--warehouse", "2",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert "warehouses 1, 2" in created.output
    with app.extensions["shopflow"].sessions() as session:
        assert find_user_by_email(session, email).warehouses == frozenset({1, 2})

    moved = run_users(web_settings, "set-role", "--email", email, "--role", "operator")
    assert moved.exit_code == 0, moved.output
    with app.extensions["shopflow"].sessions() as session:
        user = find_user_by_email(session, email)
    assert (user.role, user.warehouses, user.auth_epoch) == ("operator", frozenset(), 1)


def test_a_role_change_is_announced_to_every_web_process(app, web_settings):
    """The web processes forget the account's tokens at once (db/redis/revocations.py)."""
    import redis

    from db.postgres.users import find_user_by_email
    from db.redis.revocations import revocation_channel

    email = new_email("promoted")
    assert (
        run_users(web_settings, "create", "--email", email, "--password", PASSWORD).exit_code == 0
    )
    with app.extensions["shopflow"].sessions() as session:
        user_id = find_user_by_email(session, email).id
    client = redis.Redis.from_url(web_settings.redis_url)
    listener = client.pubsub(ignore_subscribe_messages=True)
    listener.subscribe(revocation_channel(web_settings.stock_feed_namespace))
    listener.get_message(timeout=1)

    moved = run_users(web_settings, "set-role", "--email", email, "--role", "operator")

    assert moved.exit_code == 0, moved.output
    message = listener.get_message(timeout=5)
    listener.close()
    client.close()
    assert message is not None and message["data"] == str(user_id).encode()
