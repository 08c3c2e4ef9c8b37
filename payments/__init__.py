"""Payments: the gateway interface the checkout talks to, and a sandbox gateway for dev and tests."""

from payments.gateway import (
    Authorization,
    Capture,
    Card,
    ChargeAlreadyCaptured,
    ChargeNotCapturable,
    IdempotencyConflict,
    PaymentGateway,
    PaymentGatewayError,
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
    "PaymentGateway",
    "PaymentGatewayError",
    "Refund",
    "RefundExceedsCharge",
    "UnknownCharge",
    "Void",
]
