"""What the address book's use cases need: the shopper's saved addresses, always scoped
to their owner (another shopper's address is simply not found).
Adapter: web/account/adapters.py; fake: tests/fakes/account.py."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from db.postgres.addresses import AddressRecord


class AddressBook(Protocol):
    def list(self, user_id: int) -> list[AddressRecord]:
        """The last used first, then the newest."""

    def find(self, user_id: int, address_id: int) -> AddressRecord | None: ...

    def create(
        self, user_id: int, fields: Mapping[str, str], *, used_at: datetime | None = None
    ) -> AddressRecord:
        """A new entry (fields already checked); raises db.postgres.addresses.AddressBookFull."""

    def update(
        self, user_id: int, address_id: int, fields: Mapping[str, str]
    ) -> AddressRecord | None: ...

    def delete(self, user_id: int, address_id: int) -> bool: ...

    def mark_used(self, user_id: int, address_id: int, at: datetime) -> None:
        """A checkout shipped there: the payment page offers it first next time."""
