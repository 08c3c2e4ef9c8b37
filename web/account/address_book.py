"""The address book as checkout uses it: ship to a saved address, remember the one used.

The account page and /api/v1/addresses go through web/account/use_cases.py; these
helpers read and write through the same port (`services().addresses`).
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from db.addresses import AddressBookFull, AddressRecord
from web.account.ports import AddressBook
from web.account.use_cases import checked, parse_address_id
from web.services import services

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


def _book() -> AddressBook:
    return services().addresses


def remember_use(user_id: int, address_id: int) -> None:
    _book().mark_used(user_id, address_id, datetime.now(UTC))


def saved_address_choice(user_id: int, shipping_address: Any) -> AddressRecord | None:
    """`{"addressID": N}` in a payment body: that saved address of the shopper's (or a
    422 when there is none); None when the body carries a typed address."""
    from web.checkout.payment_input import PaymentInputError

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
