"""Card details and a shipping address from a JSON body or the payment form, checked here,
then the card handed to the pay use case, which vaults it once the checkout is known.

Both the API and the page go through `payment_input`, so a bad card number is
refused the same way everywhere, before the workflow sees anything: wrong types and
missing objects are 400 (the request is malformed), values the store cannot accept
(Luhn, past expiry, no city...) are 422 with the shopper's words. The card number and
CVC go from here to `PaymentGateway.tokenize` (through web/checkout/use_cases.py) and nowhere else: the workflow gets the
token, the brand and the last four. They are never logged, stored by us or echoed back.
The address goes through the address book's rules (domain/addresses.py: ISO country,
postal code per country, real US ZIP codes), with a message per field in `fields`; a
saved address is sent as `{"addressID": N}` and resolved by the caller.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from db.geo.address_data import ADDRESS_DATA
from domain.addresses import check_address
from payments.cards import card_problem
from payments.gateway import Card
from workflows.checkout_messages import ShippingAddress


@dataclass(frozen=True)
class PaymentEntered:
    """What the shopper typed, already checked (below); the checkout use cases take it."""

    card: Card = dataclasses.field(repr=False)
    shipping_address: ShippingAddress


# Generous for any real value, small enough to refuse junk cheaply.
MAX_LENGTHS = {"cardNumber": 32, "expiry": 7, "cvc": 4, "name": 200}
ADDRESS_FIELDS = {  # JSON name -> ShippingAddress field
    "name": "name",
    "line1": "line1",
    "line2": "line2",
    "city": "city",
    "postalCode": "postal_code",
    "country": "country",
}
REQUIRED_CARD_FIELDS = ("cardNumber", "expiry", "cvc", "name")
CARD_LABELS = {
    "cardNumber": "card number",
    "expiry": "expiry date",
    "cvc": "security code (CVC)",
    "name": "name on the card",
}


class PaymentInputError(ValueError):
    def __init__(
        self,
        message: str,
        *,
        status: int = 422,
        code: str = "invalid_payment",
        fields: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.fields = fields or {}  # the address's own messages, by API field name

    def details(self) -> dict[str, Any]:
        """Extra members of the API's error object."""
        return {"fields": self.fields} if self.fields else {}


# The checked card and address the pay use case takes (web/checkout/use_cases.py).
PaymentInput = PaymentEntered


def payment_input(payment: Any, address: Any, *, now: datetime | None = None) -> PaymentInput:
    """Checked card details and address, or PaymentInputError saying what is wrong."""
    card = _card(payment, now or datetime.now(UTC))
    return PaymentInput(card, _shipping_address(address))


def from_json(payload: Mapping[str, Any]) -> PaymentInput:
    for name in ("paymentDetails", "shippingAddress"):
        if name not in payload or payload[name] is None:
            raise PaymentInputError(f"{name} is required.", status=400, code="bad_request")
    return payment_input(payload["paymentDetails"], payload["shippingAddress"])


def from_form(
    form: Mapping[str, str], *, saved_address: Mapping[str, str] | None = None
) -> PaymentInput:
    """The payment form's fields (see templates/checkout/partials/payment_form.html);
    `saved_address` (API field names) replaces the typed one when the shopper picked it."""
    payment = {
        "cardNumber": form.get("card_number", ""),
        "expiry": form.get("expiry", ""),
        "cvc": form.get("cvc", ""),
        "name": form.get("card_name", ""),
    }
    address = {
        "name": form.get("ship_name", ""),
        "line1": form.get("line1", ""),
        "line2": form.get("line2", ""),
        "city": form.get("city", ""),
        "postalCode": form.get("postal_code", ""),
        "country": form.get("country", ""),
    }
    return payment_input(payment, dict(saved_address) if saved_address else address)


def form_echo(form: Mapping[str, str]) -> dict[str, str]:
    """What the form may show again after a refusal: never the card number or the CVC."""
    keep = (
        "expiry",
        "card_name",
        "ship_name",
        "line1",
        "line2",
        "city",
        "postal_code",
        "country",
        "address_id",
        "save_address",
    )
    return {name: (form.get(name) or "")[:200] for name in keep}


def _card(payment: Any, now: datetime) -> Card:
    if not isinstance(payment, dict):
        raise PaymentInputError(
            "paymentDetails must be an object with cardNumber, expiry, cvc and name.",
            status=400,
            code="bad_request",
        )
    values = {}
    for field in REQUIRED_CARD_FIELDS:
        value = payment.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise PaymentInputError(f"Enter the {CARD_LABELS[field]} (paymentDetails.{field}).")
        if not isinstance(value, str):
            raise PaymentInputError(
                f"paymentDetails.{field} must be a string.", status=400, code="bad_request"
            )
        if len(value) > MAX_LENGTHS[field]:
            raise PaymentInputError(f"The {CARD_LABELS[field]} is too long.")
        values[field] = _printable(value, f"The {CARD_LABELS[field]}")
    problem = card_problem(values["cardNumber"], values["expiry"], values["cvc"], now)
    if problem is not None:
        raise PaymentInputError(problem.message, code=problem.code)
    return Card(values["cardNumber"], values["expiry"], values["cvc"], values["name"])


def _shipping_address(address: Any) -> ShippingAddress:
    if not isinstance(address, dict):
        raise PaymentInputError(
            "shippingAddress must be an object with name, line1, city, postalCode and country.",
            status=400,
            code="bad_request",
        )
    for json_name in ADDRESS_FIELDS:
        value = address.get(json_name)
        if value is not None and not isinstance(value, str):
            raise PaymentInputError(
                f"shippingAddress.{json_name} must be a string.", status=400, code="bad_request"
            )
    check = check_address(address, ADDRESS_DATA)
    if not check.ok:
        raise PaymentInputError(
            "Shipping address: " + check.summary(), code="invalid_address", fields=check.errors
        )
    # The workflow's validator asks its own (shorter) question again; this one is the
    # shopper's: tidied values, the country as its ISO code.
    return ShippingAddress(**{field: check.address[name] for name, field in ADDRESS_FIELDS.items()})


def _printable(value: str, label: str) -> str:
    """Stripped text without control characters (a NUL could never be stored in the order)."""
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise PaymentInputError(f"{label} contains characters we can't accept.")
    return value.strip()
