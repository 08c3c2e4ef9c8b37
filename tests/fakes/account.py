"""The address book's port in memory (web/account/ports.py): the same owner scoping,
order (last used first, then newest) and size limit as db/postgres/addresses.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from itertools import count

from db.postgres.addresses import MAX_ADDRESS_ID, MAX_ADDRESSES, AddressBookFull, AddressRecord


class FakeAddressBook:
    def __init__(self) -> None:
        self.rows: dict[int, tuple[int, AddressRecord]] = {}  # id -> (owner, record)
        self._ids = count(1)
        self.writes = 0

    def list(self, user_id: int) -> list[AddressRecord]:
        mine = [record for owner, record in self.rows.values() if owner == user_id]
        # The last used first (never used last), then the newest: highest id.
        return sorted(
            mine,
            key=lambda r: (
                r.last_used_at is not None,
                r.last_used_at.timestamp() if r.last_used_at else 0.0,
                r.id,
            ),
            reverse=True,
        )

    def find(self, user_id: int, address_id: int) -> AddressRecord | None:
        if not 1 <= address_id <= MAX_ADDRESS_ID:
            return None
        owner, record = self.rows.get(address_id, (None, None))
        return record if owner == user_id else None

    def create(
        self, user_id: int, fields: Mapping[str, str], *, used_at: datetime | None = None
    ) -> AddressRecord:
        if sum(1 for owner, _ in self.rows.values() if owner == user_id) >= MAX_ADDRESSES:
            raise AddressBookFull(
                f"Your address book is full ({MAX_ADDRESSES} addresses): delete one first."
            )
        record = AddressRecord(next(self._ids), **_columns(fields), last_used_at=used_at)
        self.rows[record.id] = (user_id, record)
        self.writes += 1
        return record

    def update(
        self, user_id: int, address_id: int, fields: Mapping[str, str]
    ) -> AddressRecord | None:
        record = self.find(user_id, address_id)
        if record is None:
            return None
        updated = replace(record, **_columns(fields))
        self.rows[address_id] = (user_id, updated)
        self.writes += 1
        return updated

    def delete(self, user_id: int, address_id: int) -> bool:
        if self.find(user_id, address_id) is None:
            return False
        del self.rows[address_id]
        self.writes += 1
        return True

    def mark_used(self, user_id: int, address_id: int, at: datetime) -> None:
        record = self.find(user_id, address_id)
        if record is not None:
            self.rows[address_id] = (user_id, replace(record, last_used_at=at))


def _columns(fields: Mapping[str, str]) -> dict[str, str]:
    return {
        "name": fields["name"],
        "line1": fields["line1"],
        "line2": fields.get("line2") or "",
        "city": fields["city"],
        "postal_code": fields["postalCode"],
        "country": fields["country"],
    }
