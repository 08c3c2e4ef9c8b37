"""The address book over PostgreSQL: one transaction per call, through db/postgres/addresses.py."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from db.postgres.addresses import (
    AddressRecord,
    create_address,
    delete_address,
    find_address,
    list_addresses,
    mark_used,
    update_address,
)


class SqlAddressBook:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def list(self, user_id: int) -> list[AddressRecord]:
        with self._sessions() as session:
            return list_addresses(session, user_id)

    def find(self, user_id: int, address_id: int) -> AddressRecord | None:
        with self._sessions() as session:
            return find_address(session, user_id, address_id)

    def create(
        self, user_id: int, fields: Mapping[str, str], *, used_at: datetime | None = None
    ) -> AddressRecord:
        with self._sessions.begin() as session:
            record = create_address(session, user_id, fields)
            if used_at is not None:
                mark_used(session, user_id, record.id, used_at)
                record = find_address(session, user_id, record.id) or record
        return record

    def update(
        self, user_id: int, address_id: int, fields: Mapping[str, str]
    ) -> AddressRecord | None:
        with self._sessions.begin() as session:
            return update_address(session, user_id, address_id, fields)

    def delete(self, user_id: int, address_id: int) -> bool:
        with self._sessions.begin() as session:
            return delete_address(session, user_id, address_id)

    def mark_used(self, user_id: int, address_id: int, at: datetime) -> None:
        with self._sessions.begin() as session:
            mark_used(session, user_id, address_id, at)
