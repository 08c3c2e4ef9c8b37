"""Bounds on every stock transaction: a lock wait or a statement that outlives an
activity attempt is cancelled by PostgreSQL itself.

Why: Temporal gives an activity attempt 10 s (workflows/checkout_steps.py
ATTEMPT_TIMEOUT). An attempt that times out keeps running in its worker thread; if its
transaction could wait on a row lock for a minute and then commit, a `reserve` would
write HELD rows after the workflow had already given up and run `release`. With both
timeouts well under the attempt, such a transaction fails (and rolls back) first.
Whatever still slips through (a checkout terminated by an operator) is freed by the
hold sweeper (activities/hold_sweep.py).

`SET LOCAL` semantics (set_config(..., true)): the limits last for the transaction
only and never leak to the next user of the pooled connection.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.orm import Session, sessionmaker

# Well under the 10 s activity attempt: a reserve waits for the stock row lock at most
# LOCK_TIMEOUT, and no single statement runs longer than STATEMENT_TIMEOUT.
LOCK_TIMEOUT_MS = 2_000
STATEMENT_TIMEOUT_MS = 4_000

_LIMIT = text(
    "SELECT set_config('lock_timeout', :lock, true), "
    "set_config('statement_timeout', :statement, true)"
)


def limit_transaction(connection: Connection) -> None:
    """Apply the bounds to the transaction `connection` is in (SET LOCAL)."""
    connection.execute(
        _LIMIT, {"lock": f"{LOCK_TIMEOUT_MS}ms", "statement": f"{STATEMENT_TIMEOUT_MS}ms"}
    )


def bounded_sessions(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose every transaction starts with `limit_transaction`."""
    factory = sessionmaker(engine, expire_on_commit=False)

    @event.listens_for(factory, "after_begin")
    def _bound(session: Session, transaction, connection: Connection) -> None:  # noqa: ARG001
        limit_transaction(connection)

    return factory
