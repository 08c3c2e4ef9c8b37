"""The address book as checkout uses it: ship to a saved address, remember the one used.

The account page and /api/v1/addresses go through web/account/use_cases.py; these
helpers read and write through the same port (`services().addresses`).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from db.geo.address_data import ADDRESS_DATA
from db.postgres.addresses import AddressBookFull, AddressRecord
from domain.addresses import AddressCheck, check_address
from web.services import services

if TYPE_CHECKING:
    from web.account.ports import AddressBook

__all__ = [
    "AddressBookFull",
    "AddressRecord",
    "checked",
    "chosen_address",
    "parse_address_id",
    "remember_address",
    "remember_use",
    "saved_address_choice",
]


def checked(values: Mapping[str, object]) -> AddressCheck:
    return check_address(values, ADDRESS_DATA)


def parse_address_id(raw: str | None) -> int | None:
    """A saved address's id from a form or URL; None for anything else ("new", junk)."""
    if raw is None or not raw.isdigit() or len(raw) > 19:
        return None
    return int(raw)


def _book() -> AddressBook:
    return services().addresses


def remember_use(user_id: int, address_id: int) -> None:
    _book().mark_used(user_id, address_id, datetime.now(UTC))


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
    record = _book().find(user_id, raw) if raw > 0 else None
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
    return None if address_id is None else _book().find(user_id, address_id)


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
    if any(record.fields() == fields for record in _book().list(user_id)):
        return
    # A full book: the order stands; the book just doesn't grow.
    with suppress(AddressBookFull):
        _book().create(user_id, fields, used_at=datetime.now(UTC))
