"""Payments: the gateway interface the checkout talks to, and a sandbox gateway for dev and tests."""

from payments.gateway import (
    Authorization,
    Capture,
    Card,
    ChargeAlreadyCaptured,
    ChargeNotCapturable,
    IdempotencyConflict,
    InvalidCard,
    PaymentGateway,
    PaymentGatewayError,
    PaymentMethod,
    Refund,
    RefundExceedsCharge,
    UnknownCharge,
    Void,
)

__all__ = [
    "Authorization",
    "Capture",
    "Card",
    "ChargeAlreadyCaptured",
    "ChargeNotCapturable",
    "IdempotencyConflict",
    "InvalidCard",
    "PaymentGateway",
    "PaymentGatewayError",
    "PaymentMethod",
    "Refund",
    "RefundExceedsCharge",
    "UnknownCharge",
    "Void",
]
