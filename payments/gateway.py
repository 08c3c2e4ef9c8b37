"""The payment-gateway interface: tokenize, authorize, capture, void, refund, each idempotent.

The checkout only ever sees these types. A real processor adapter implements the
same protocol; `payments.sandbox.SandboxGateway` is the bundled one (docs/contract.md §6).
Amounts are integer cents. A card number and CVC live only in a `Card` in memory,
on their way from the payment form to `tokenize`, which hands them to the gateway's
vault and answers with a `PaymentMethod`: a token, the brand and the last four. Only
that token travels on (workflows, activities, logs); every result carries the brand
and last four digits at most.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Card:
    # repr=False: a card must never end up in a log line or a traceback.
    number: str = field(repr=False)
    expiry: str  # "MM/YY"
    cvc: str = field(repr=False)
    name: str = ""


@dataclass(frozen=True)
class PaymentMethod:
    """A vaulted card: the token to authorize with, and what a receipt may show."""

    id: str  # "pm_…"; short-lived, single-use once authorized (the CVC is gone)
    brand: str
    last4: str
    expires_at: datetime


@dataclass(frozen=True)
class Authorization:
    """The answer to an authorize call. `approved=False` is a decline, not an error."""

    id: str  # the gateway's charge reference ("" when the card was refused before charging)
    idempotency_key: str
    approved: bool
    amount: int
    brand: str
    last4: str
    decline_code: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class Capture:
    authorization_id: str
    amount: int
    captured_at: datetime


@dataclass(frozen=True)
class Void:
    authorization_id: str
    amount: int


@dataclass(frozen=True)
class Refund:
    id: str
    authorization_id: str
    idempotency_key: str
    amount: int


class PaymentGatewayError(Exception):
    """A request the gateway will never accept as it stands (retrying cannot help)."""


class UnknownCharge(PaymentGatewayError):
    pass


class ChargeNotCapturable(PaymentGatewayError):
    """Declined or voided: there is nothing to capture."""


class ChargeAlreadyCaptured(PaymentGatewayError):
    """Voiding is too late once money moved; refund instead."""


class RefundExceedsCharge(PaymentGatewayError):
    pass


class IdempotencyConflict(PaymentGatewayError):
    """The key was used before for a different request (another amount)."""


class InvalidCard(PaymentGatewayError):
    """Details that can never be charged (Luhn, expiry, CVC): refused before vaulting."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# Decline code of an authorize whose token expired or was already used (CVC gone).
PAYMENT_METHOD_UNUSABLE = "payment_method_unusable"


class PaymentGateway(Protocol):
    def tokenize(self, card: Card) -> PaymentMethod:
        """Put the card in the vault; raises InvalidCard for details that can never be charged."""
        ...

    def authorize(
        self, idempotency_key: str, amount: int, payment_method_id: str, *, reference: str = ""
    ) -> Authorization:
        """Hold `amount` on the vaulted card. The same key returns the first answer, never a
        second hold. The CVC is erased by the first authorization (card rules), so a token
        authorizes once; an expired or used token is declined (PAYMENT_METHOD_UNUSABLE)."""
        ...

    def find_authorization(self, idempotency_key: str) -> Authorization | None:
        """The answer an authorize with this key got, or None if none reached the gateway.

        For a caller that never heard the answer (a timeout): it can then void the hold.
        """
        ...

    def capture(self, authorization_id: str) -> Capture:
        """Take the held money. Capturing twice returns the first capture."""
        ...

    def void(self, authorization_id: str) -> Void:
        """Drop the hold. Voiding twice is a no-op; raises ChargeAlreadyCaptured after capture."""
        ...

    def refund(self, idempotency_key: str, authorization_id: str, amount: int) -> Refund:
        """Give captured money back. The same key returns the first refund."""
        ...
