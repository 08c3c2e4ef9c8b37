"""Card details and a shipping address from a JSON body or the payment form, checked here.

Both the API and the page go through `payment_request`, so a bad card number is
refused the same way everywhere, before the workflow (let alone the gateway) sees it:
wrong types and missing objects are 400 (the request is malformed), values the
store cannot accept (Luhn, past expiry, no city...) are 422 with the shopper's words.
The card number and CVC are never logged, stored or echoed back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from domain.checkout import address_problem
from payments.cards import card_problem
from workflows.checkout_messages import PaymentDetails, PayRequest, ShippingAddress

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
    def __init__(self, message: str, *, status: int = 422, code: str = "invalid_payment") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


def payment_request(
    user_id: int, payment: Any, address: Any, *, now: datetime | None = None
) -> PayRequest:
    """A PayRequest the workflow can act on, or PaymentInputError saying what is wrong."""
    details = _payment_details(payment, now or datetime.now(UTC))
    return PayRequest(user_id, details, _shipping_address(address))


def from_json(user_id: int, payload: Mapping[str, Any]) -> PayRequest:
    for field in ("paymentDetails", "shippingAddress"):
        if field not in payload or payload[field] is None:
            raise PaymentInputError(f"{field} is required.", status=400, code="bad_request")
    return payment_request(user_id, payload["paymentDetails"], payload["shippingAddress"])


def from_form(user_id: int, form: Mapping[str, str]) -> PayRequest:
    """The payment form's fields (see templates/checkout/partials/payment_form.html)."""
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
    return payment_request(user_id, payment, address)


def form_echo(form: Mapping[str, str]) -> dict[str, str]:
    """What the form may show again after a refusal: never the card number or the CVC."""
    keep = ("expiry", "card_name", "ship_name", "line1", "line2", "city", "postal_code", "country")
    return {name: (form.get(name) or "")[:200] for name in keep}


def _payment_details(payment: Any, now: datetime) -> PaymentDetails:
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
    return PaymentDetails(values["cardNumber"], values["expiry"], values["cvc"], values["name"])


def _shipping_address(address: Any) -> ShippingAddress:
    if not isinstance(address, dict):
        raise PaymentInputError(
            "shippingAddress must be an object with name, line1, city, postalCode and country.",
            status=400,
            code="bad_request",
        )
    values: dict[str, str] = {}
    for json_name, field in ADDRESS_FIELDS.items():
        value = address.get(json_name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise PaymentInputError(
                f"shippingAddress.{json_name} must be a string.", status=400, code="bad_request"
            )
        values[field] = _printable(value, f"Shipping address: {field.replace('_', ' ')}")
    shipping = ShippingAddress(**values)
    # The workflow's validator asks the same question; asking first saves a round trip.
    problem = address_problem(asdict(shipping))
    if problem is not None:
        raise PaymentInputError(problem, code="invalid_address")
    return shipping


def _printable(value: str, label: str) -> str:
    """Stripped text without control characters (a NUL could never be stored in the order)."""
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise PaymentInputError(f"{label} contains characters we can't accept.")
    return value.strip()
