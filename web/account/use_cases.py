"""The address book's use cases, written once for the account page, /api/v1/addresses
and checkout's "ship to a saved address".

Every address is checked by domain/addresses.py's rules over the offline data before
anything is written; an address we cannot deliver to is refused with a message per
field (`details["fields"]`). Another shopper's address, or an id that cannot be one, is
not_found: guessing ids teaches nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from db.postgres.addresses import AddressBookFull, AddressRecord
from domain.refusals import RefusalKind
from web.account.ports import AddressBook
from web.address_book import checked, parse_address_id
from web.outcomes import Limits, over_limit
from web.refusals import Refused

LIMIT_FEATURE = "addresses"
NOT_FOUND = "We couldn't find that address in your address book."


def address_book(book: AddressBook, user_id: int) -> list[AddressRecord]:
    return book.list(user_id)


def saved_address(book: AddressBook, user_id: int, raw_id: str | None) -> AddressRecord | Refused:
    address_id = parse_address_id(raw_id)
    record = None if address_id is None else book.find(user_id, address_id)
    return record if record is not None else Refused(RefusalKind.NOT_FOUND, NOT_FOUND)


def add_address(
    book: AddressBook, limits: Limits, user_id: int, values: Mapping[str, object]
) -> AddressRecord | Refused:
    check = checked(values)
    if not check.ok:
        return invalid(check.errors)
    too_many = over_limit(limits, user_id, LIMIT_FEATURE, "changes to your address book")
    if too_many is not None:
        return too_many
    try:
        return book.create(user_id, check.address)
    except AddressBookFull as full:
        return Refused(RefusalKind.ADDRESS_BOOK_FULL, str(full))


def replace_address(
    book: AddressBook, limits: Limits, user_id: int, raw_id: str, values: Mapping[str, object]
) -> AddressRecord | Refused:
    record = saved_address(book, user_id, raw_id)
    if isinstance(record, Refused):
        return record
    check = checked(values)
    if not check.ok:
        return invalid(check.errors)
    too_many = over_limit(limits, user_id, LIMIT_FEATURE, "changes to your address book")
    if too_many is not None:
        return too_many
    updated = book.update(user_id, record.id, check.address)
    return updated if updated is not None else Refused(RefusalKind.NOT_FOUND, NOT_FOUND)


def forget_address(
    book: AddressBook, limits: Limits, user_id: int, raw_id: str
) -> AddressRecord | Refused:
    """The address as it was before it was deleted, or why not."""
    record = saved_address(book, user_id, raw_id)
    if isinstance(record, Refused):
        return record
    too_many = over_limit(limits, user_id, LIMIT_FEATURE, "changes to your address book")
    if too_many is not None:
        return too_many
    if not book.delete(user_id, record.id):  # deleted meanwhile (another tab)
        return Refused(RefusalKind.NOT_FOUND, NOT_FOUND)
    return record


def invalid(errors: Mapping[str, str]) -> Refused:
    return Refused(
        RefusalKind.INVALID_ADDRESS, " ".join(errors.values()), details={"fields": dict(errors)}
    )
