"""What the returns' use cases need: the returns' rows, and each return's workflow.
Adapters: web/returns/adapters.py; fakes: tests/fakes/returns.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from db.postgres.returns import ReturnRow
from domain.refusals import Refusal


@dataclass(frozen=True)
class Unavailable:
    """Temporal could not be reached (or did not answer in time): nothing was asked of it."""


class ReturnStore(Protocol):
    def authorize(
        self, user_id: int, order_id: str, asked: Mapping[int, int], reason: str
    ) -> list[ReturnRow] | Refusal | None:
        """Decide by domain/returns.py (now, under the order's row lock) and write one
        AUTHORIZED return per parcel; None when it is not this shopper's order."""

    def returnable(self, user_id: int, order_id: str) -> dict[int, tuple[str, int]] | None:
        """Item id -> (name, units that may be returned now); None when not this shopper's."""

    def forget(self, return_ids: Sequence[str]) -> None:
        """Remove returns whose workflow could not be started (nothing else saw them)."""

    def order_returns(self, user_id: int, order_id: str) -> list[ReturnRow] | None:
        """The order's returns, oldest first; None when it is not this shopper's order."""

    def find(self, user_id: int, order_id: str, return_id: str) -> ReturnRow | None:
        """The return if it belongs to this shopper's order; anything else is None."""

    def find_at(self, warehouse_id: int, return_id: str) -> ReturnRow | None:
        """The return if it goes back to this warehouse; another's is None."""

    def awaiting(self, warehouse_id: int) -> list[ReturnRow]:
        """The warehouse's AUTHORIZED returns, oldest first."""


class ReturnWorkflows(Protocol):
    def start(self, row: ReturnRow) -> bool:
        """Start `return-<returnID>` (a second start is a no-op); False if unreachable."""

    def receive(self, row: ReturnRow) -> str | Unavailable:
        """The workflow's `receive` update (starting the workflow first if it never was):
        the status it answers, or the row's status when the run has already ended."""
