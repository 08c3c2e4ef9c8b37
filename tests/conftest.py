"""The test session's real services.

One embedded stack (PostgreSQL, Redis, Typesense, Temporal dev server) is started
lazily, the first time a test asks for `services`, on free loopback ports under a
temporary directory, and torn down when the session ends. Unit tests never start it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from settings import Settings


def _isolated_settings(var_dir) -> Settings:
    from stack.ports import free_port

    return Settings(
        var_dir=var_dir,
        redis_port=free_port(),
        typesense_port=free_port(),
        typesense_peering_port=free_port(),
        temporal_port=free_port(),
        temporal_ui_port=free_port(),
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
