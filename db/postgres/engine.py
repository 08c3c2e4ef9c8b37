"""Engine and session factories. Built at start-up by whoever needs them, never at import."""

from __future__ import annotations

import sqlalchemy
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` URLs (docker, operators) and use psycopg 3 for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(
    url: str,
    *,
    pool_size: int = 5,
    max_overflow: int = 10,
    pre_ping: bool = True,
    isolation_level: str | None = None,
) -> Engine:
    """`pre_ping` tests every connection taken from the pool with a round trip first, so a
    connection PostgreSQL dropped (a restart) is replaced instead of failing a request.
    The worker turns it off: a failed activity attempt is retried by Temporal anyway, and
    SQLAlchemy throws the whole pool away on the first disconnect it meets."""
    options = {"isolation_level": isolation_level} if isolation_level else {}
    # Looked up at call time: OpenTelemetry's SQLAlchemy instrumentation replaces
    # sqlalchemy.create_engine when tracing is on (docs/operations.md).
    return sqlalchemy.create_engine(
        normalise_url(url),
        **options,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=pre_ping,
        connect_args={"connect_timeout": 5},
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
