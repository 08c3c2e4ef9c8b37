"""The address book's operations, shared by the account page, the API and checkout.

`checked(values)` runs domain/addresses.py's rules over the offline data; the rest wraps
db/postgres/addresses.py in a transaction each. Views never see another shopper's address: a
foreign id is just "not found".
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from db.geo.address_data import ADDRESS_DATA
from db.postgres.addresses import (
    AddressBookFull,
    AddressRecord,
    create_address,
    delete_address,
    find_address,
    list_addresses,
    mark_used,
    update_address,
)
from domain.addresses import AddressCheck, check_address
from web.services import services


def checked(values: Mapping[str, object]) -> AddressCheck:
    return check_address(values, ADDRESS_DATA)


def addresses_of(user_id: int) -> list[AddressRecord]:
    with services().sessions() as session:
        return list_addresses(session, user_id)


def address_of(user_id: int, address_id: int) -> AddressRecord | None:
    with services().sessions() as session:
        return find_address(session, user_id, address_id)


def save(user_id: int, fields: Mapping[str, str], *, used: bool = False) -> AddressRecord:
    """A new entry (fields already checked); `used` marks it the last used at once."""
    with services().sessions.begin() as session:
        record = create_address(session, user_id, fields)
        if used:
            mark_used(session, user_id, record.id, datetime.now(UTC))
    return record


def change(user_id: int, address_id: int, fields: Mapping[str, str]) -> AddressRecord | None:
    with services().sessions.begin() as session:
        return update_address(session, user_id, address_id, fields)


def forget(user_id: int, address_id: int) -> bool:
    with services().sessions.begin() as session:
        return delete_address(session, user_id, address_id)


def remember_use(user_id: int, address_id: int) -> None:
    with services().sessions.begin() as session:
        mark_used(session, user_id, address_id, datetime.now(UTC))


def parse_address_id(raw: str | None) -> int | None:
    """A saved address's id from a form or URL; None for anything else ("new", junk)."""
    if raw is None or not raw.isdigit() or len(raw) > 19:
        return None
    return int(raw)


def saved_address_choice(user_id: int, shipping_address: Any) -> AddressRecord | None:
    """`{"addressID": N}` in a payment body: that saved address of the shopper's (or a
    422 when there is none); None when the body carries a typed address."""
    from web.payment_input import PaymentInputError

    if not isinstance(shipping_address, dict) or "addressID" not in shipping_address:
        return None
    raw = shipping_address["addressID"]
    if type(raw) is not int:
        raise PaymentInputError(
            "shippingAddress.addressID must be a whole number.", status=400, code="bad_request"
        )
    record = address_of(user_id, raw) if raw > 0 else None
    if record is None:
        raise PaymentInputError(
            f"No address {raw} in your address book.",
            code="invalid_address",
            fields={"addressID": "Not one of your saved addresses."},
        )
    return record


def chosen_address(user_id: int, raw_id: str | None) -> AddressRecord | None:
    """The saved address picked on the payment page (None: the shopper typed one). An id
    that is not theirs counts as none picked, so the typed fields are checked instead."""
    address_id = parse_address_id(raw_id)
    return None if address_id is None else address_of(user_id, address_id)


def remember_address(
    user_id: int, saved: AddressRecord | None, pay_request: Any, *, save_new: bool
) -> None:
    """After a successful payment: the saved address becomes the last used, or the typed
    one is saved (as the last used) when the shopper asked for it."""
    if saved is not None:
        remember_use(user_id, saved.id)
        return
    if not save_new:
        return
    shipping = pay_request.shipping_address
    fields = {
        "name": shipping.name,
        "line1": shipping.line1,
        "line2": shipping.line2,
        "city": shipping.city,
        "postalCode": shipping.postal_code,
        "country": shipping.country,
    }
    if any(record.fields() == fields for record in addresses_of(user_id)):
        return
    # A full book: the order stands; the book just doesn't grow.
    with suppress(AddressBookFull):
        save(user_id, fields, used=True)
