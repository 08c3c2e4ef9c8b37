"""The address book in PostgreSQL. Every read and write is scoped to its owner: another
shopper's address is simply not found. Values arrive already checked and tidied by
domain/addresses.py (fields in the API's names: name, line1, line2, city, postalCode,
country)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from db.postgres.models import SavedAddress

MAX_ADDRESSES = 20  # per shopper: a book, not a dumping ground
MAX_ADDRESS_ID = 2**63 - 1


class AddressBookFull(Exception):
    pass


@dataclass(frozen=True)
class AddressRecord:
    id: int
    name: str
    line1: str
    line2: str
    city: str
    postal_code: str
    country: str
    last_used_at: datetime | None

    def fields(self) -> dict[str, str]:
        """The API's field names (also the payment form's address, once mapped)."""
        return {
            "name": self.name,
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "postalCode": self.postal_code,
            "country": self.country,
        }

    def one_line(self) -> str:
        parts = [self.name, self.line1, self.line2, f"{self.postal_code} {self.city}", self.country]
        return ", ".join(part for part in parts if part.strip())


def _record(row: SavedAddress) -> AddressRecord:
    return AddressRecord(
        row.id,
        row.name,
        row.line1,
        row.line2,
        row.city,
        row.postal_code,
        row.country,
        row.last_used_at,
    )


def _columns(fields: Mapping[str, str]) -> dict[str, str]:
    return {
        "name": fields["name"],
        "line1": fields["line1"],
        "line2": fields.get("line2") or "",
        "city": fields["city"],
        "postal_code": fields["postalCode"],
        "country": fields["country"],
    }


def list_addresses(session: Session, user_id: int) -> list[AddressRecord]:
    """The last used first, then the newest."""
    rows = session.scalars(
        select(SavedAddress)
        .where(SavedAddress.user_id == user_id)
        .order_by(SavedAddress.last_used_at.desc().nulls_last(), SavedAddress.id.desc())
    )
    return [_record(row) for row in rows]


def find_address(session: Session, user_id: int, address_id: int) -> AddressRecord | None:
    if not 1 <= address_id <= MAX_ADDRESS_ID:
        return None
    row = session.scalar(
        select(SavedAddress).where(SavedAddress.id == address_id, SavedAddress.user_id == user_id)
    )
    return None if row is None else _record(row)


def create_address(session: Session, user_id: int, fields: Mapping[str, str]) -> AddressRecord:
    # Serialise one shopper's writes so two tabs cannot both squeeze past the limit.
    session.execute(select(func.pg_advisory_xact_lock(7_300_000_000 + user_id)))
    count = session.scalar(
        select(func.count()).select_from(SavedAddress).where(SavedAddress.user_id == user_id)
    )
    if count >= MAX_ADDRESSES:
        raise AddressBookFull(
            f"Your address book is full ({MAX_ADDRESSES} addresses): delete one first."
        )
    row = SavedAddress(user_id=user_id, **_columns(fields))
    session.add(row)
    session.flush()
    return _record(row)


def update_address(
    session: Session, user_id: int, address_id: int, fields: Mapping[str, str]
) -> AddressRecord | None:
    if not 1 <= address_id <= MAX_ADDRESS_ID:
        return None
    row = session.scalar(
        select(SavedAddress)
        .where(SavedAddress.id == address_id, SavedAddress.user_id == user_id)
        .with_for_update()
    )
    if row is None:
        return None
    for column, value in _columns(fields).items():
        setattr(row, column, value)
    session.flush()
    return _record(row)


def delete_address(session: Session, user_id: int, address_id: int) -> bool:
    if not 1 <= address_id <= MAX_ADDRESS_ID:
        return False
    result = session.execute(
        delete(SavedAddress).where(SavedAddress.id == address_id, SavedAddress.user_id == user_id)
    )
    return result.rowcount > 0


def mark_used(session: Session, user_id: int, address_id: int, at: datetime) -> None:
    """A checkout shipped here: the payment page offers it first next time."""
    session.execute(
        update(SavedAddress)
        .where(SavedAddress.id == address_id, SavedAddress.user_id == user_id)
        .values(last_used_at=at)
    )
