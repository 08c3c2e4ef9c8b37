"""The test session's real services.

One embedded stack (PostgreSQL, Redis, Typesense, Temporal dev server) is started
lazily, the first time a test asks for `services`, on free loopback ports under a
temporary directory, and torn down when the session ends. Unit tests never start it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from settings import Settings


def pytest_collection_modifyitems(config, items):
    """Browser journeys run last: Playwright's sync API keeps an event loop running in
    the main thread while the browser is open, which would break `asyncio.run` in the
    workflow tests."""
    items.sort(key=lambda item: "e2e" in item.keywords)


def _isolated_settings(var_dir) -> Settings:
    from stack.ports import free_ports

    redis, typesense, peering, temporal, temporal_ui = free_ports(5)
    return Settings(
        var_dir=var_dir,
        redis_port=redis,
        typesense_port=typesense,
        typesense_peering_port=peering,
        temporal_port=temporal,
        temporal_ui_port=temporal_ui,
        secret_key="test-secret-key",
        task_queue="shopflow-test",
        search_cache_ttl_seconds=30,
    )


@pytest.fixture(scope="session")
def services(tmp_path_factory) -> Settings:
    """Settings pointing at real, migrated servers shared by the whole session."""
    from db.migrate import upgrade
    from stack import EmbeddedStack

    base = _isolated_settings(tmp_path_factory.mktemp("var"))
    stack = EmbeddedStack(base)
    try:
        settings = stack.up().as_settings(base)
        upgrade(settings.database_url)
        yield settings
    finally:
        stack.down()


@pytest.fixture(scope="session")
def engine(services):
    from db.engine import make_engine

    eng = make_engine(services.database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def assert_invariants(engine):
    """Call after a scenario: fails the test with every violation of I1-I3."""
    from datetime import UTC, datetime

    from db.invariants import check_invariants

    def check() -> None:
        report = check_invariants(engine, now=datetime.now(UTC))
        assert report.ok, "\n".join(f"{v.invariant}: {v.detail}" for v in report.violations)

    return check


def table_count(engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


@pytest.fixture(scope="session")
def isolated_services(services):
    """Factory: Settings on their own fresh, migrated database and search alias.

    For tests that load or wipe a whole catalogue (the loader, the reindex workflow)
    without disturbing the session's shared catalogue.
    """
    from dataclasses import replace

    from sqlalchemy.engine import make_url

    from db.engine import make_engine
    from db.migrate import upgrade

    admin = make_engine(services.database_url, pool_size=1)
    created: list[str] = []

    def make(name: str) -> Settings:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        url = make_url(services.database_url).set(database=name)
        settings = replace(
            services,
            database_url=url.render_as_string(hide_password=False),
            typesense_collection=name,
        )
        upgrade(settings.database_url)
        return settings

    yield make
    admin.dispose()


@pytest.fixture(scope="session")
def demo_catalog(services):
    """The session's shared catalogue: 3,000 generated items (seed 42) in 6 warehouses."""
    from catalog.generator import generate_items, generate_warehouses
    from catalog.loader import load_catalog

    warehouses = generate_warehouses(6, 42)
    items = list(generate_items(3000, warehouse_ids=[w.id for w in warehouses], seed=42))
    load_catalog(services, warehouses, items, total=len(items), progress=False)
    return items
