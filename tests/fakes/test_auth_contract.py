"""The auth ports' fakes (tests/fakes/auth.py) and their real adapters (web/auth/adapters.py
over PostgreSQL) answer every scenario alike: unique emails, the auth epoch that a new
password or "sign out everywhere" bumps, browser sessions that end with it, and idle and
absolute expiry."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from db.postgres.users import EmailTaken
from domain.roles import Role, RoleError

IDLE, ABSOLUTE = 1800, 86_400


@dataclass
class World:
    accounts: Any
    sessions: Any
    age: Any  # age(session_id, idle=seconds, since_created=seconds)


@pytest.fixture(scope="module")
def auth_contract_settings(isolated_settings):
    """A migrated database of the contract's own (tests/conftest.py)."""
    return isolated_settings("auth_contract")


@pytest.fixture(
    params=[
        pytest.param("fake", marks=pytest.mark.unit),
        pytest.param("real", marks=[pytest.mark.integration, pytest.mark.web]),
    ]
)
def world(request) -> World:
    if request.param == "fake":
        from tests.fakes.auth import FakeAccounts, FakeBrowserSessions

        accounts = FakeAccounts()
        sessions = FakeBrowserSessions(accounts)

        def age_fake(session_id: str, *, idle: int = 0, since_created: int = 0) -> None:
            row = sessions.rows.get(session_id)
            if row is None:  # ended: nothing to age, as UPDATE finds no row
                return
            row.last_seen_at -= idle
            row.created_at -= since_created

        return World(accounts, sessions, age_fake)

    from sqlalchemy import text

    from db.postgres.engine import make_engine, make_session_factory
    from web.auth.adapters import SqlAccounts, SqlBrowserSessions

    settings = request.getfixturevalue("auth_contract_settings")
    engine = make_engine(settings.database_url)
    request.addfinalizer(engine.dispose)
    db = make_session_factory(engine)

    def age_real(session_id: str, *, idle: int = 0, since_created: int = 0) -> None:
        with db.begin() as session:
            session.execute(
                text(
                    "UPDATE user_sessions SET last_seen_at = last_seen_at - make_interval(secs => :i),"
                    " created_at = created_at - make_interval(secs => :c) WHERE id = :id"
                ),
                {"i": idle, "c": since_created, "id": session_id},
            )

    return World(SqlAccounts(db), SqlBrowserSessions(db), age_real)


def email() -> str:
    return f"contract-{uuid.uuid4().hex[:12]}@example.com"


def live(world: World, session_id: str):
    return world.sessions.user_of(session_id, idle_seconds=IDLE, absolute_seconds=ABSOLUTE)


def test_an_account_reads_back_by_email_and_by_id(world):
    address = email()
    created = world.accounts.create(email=address, password_hash="h1", role=Role.OPERATOR.value)

    assert world.accounts.by_email(address) == created
    assert world.accounts.by_id(created.id) == created
    assert (created.email, created.password_hash, created.role, created.auth_epoch) == (
        address,
        "h1",
        Role.OPERATOR.value,
        0,
    )


def test_unknown_accounts_are_none_even_for_ids_out_of_range(world):
    assert world.accounts.by_email(email()) is None
    assert world.accounts.by_id(2**63) is None
    assert world.accounts.by_id(0) is None


def test_an_email_in_use_is_refused(world):
    address = email()
    world.accounts.create(email=address, password_hash="h1")

    with pytest.raises(EmailTaken):
        world.accounts.create(email=address, password_hash="h2")
    assert world.accounts.by_email(address).password_hash == "h1"


def test_an_unknown_role_or_a_role_without_its_warehouses_is_refused(world):
    with pytest.raises(ValueError):  # RoleError is a ValueError too
        world.accounts.create(email=email(), password_hash="h", role="superuser")
    with pytest.raises(RoleError):
        world.accounts.create(email=email(), password_hash="h", role=Role.WAREHOUSE.value)
    with pytest.raises(RoleError):
        world.accounts.create(
            email=email(), password_hash="h", role=Role.OPERATOR.value, warehouses=frozenset({1})
        )


def test_a_session_names_its_user_until_it_ends(world):
    user = world.accounts.create(email=email(), password_hash="h")
    first, second = world.sessions.start(user.id), world.sessions.start(user.id)

    assert first != second
    assert live(world, first) == user
    world.sessions.end(first)
    assert live(world, first) is None
    assert live(world, second) == user


def test_a_made_up_session_id_names_nobody(world):
    assert live(world, "0" * 64) is None
    assert live(world, "short") is None


def test_a_new_password_ends_every_session_and_bumps_the_epoch(world):
    user = world.accounts.create(email=email(), password_hash="old")
    other = world.accounts.create(email=email(), password_hash="theirs")
    mine, theirs = world.sessions.start(user.id), world.sessions.start(other.id)

    world.accounts.set_password_hash(user.id, "new")

    changed = world.accounts.by_id(user.id)
    assert (changed.password_hash, changed.auth_epoch) == ("new", 1)
    assert live(world, mine) is None
    assert live(world, theirs) == other


def test_signing_out_everywhere_ends_every_session_and_bumps_the_epoch(world):
    user = world.accounts.create(email=email(), password_hash="h")
    sessions = [world.sessions.start(user.id) for _ in range(3)]

    world.accounts.end_every_session(user.id)

    assert [live(world, s) for s in sessions] == [None, None, None]
    assert world.accounts.by_id(user.id).auth_epoch == 1
    assert live(world, world.sessions.start(user.id)).auth_epoch == 1


def test_a_session_idle_too_long_ends_and_stays_ended(world):
    user = world.accounts.create(email=email(), password_hash="h")
    session_id = world.sessions.start(user.id)

    world.age(session_id, idle=IDLE - 120)
    assert live(world, session_id) == user  # and is marked seen again
    world.age(session_id, idle=IDLE - 120)
    assert live(world, session_id) == user
    world.age(session_id, idle=IDLE + 5)
    assert live(world, session_id) is None
    world.age(session_id, idle=-IDLE - 5)  # gone, not merely refused
    assert live(world, session_id) is None


def test_a_session_older_than_the_absolute_limit_ends_however_busy(world):
    user = world.accounts.create(email=email(), password_hash="h")
    session_id = world.sessions.start(user.id)

    world.age(session_id, since_created=ABSOLUTE - 60)
    assert live(world, session_id) == user
    world.age(session_id, since_created=120)
    assert live(world, session_id) is None
