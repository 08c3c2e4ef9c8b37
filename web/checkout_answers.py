"""An answer the checkout use cases (web/checkout/use_cases.py) and checkout's Temporal
client (web/checkout_client.py) both give, written once."""

from __future__ import annotations

from domain.checkout import CheckoutStatus
from workflows.checkout_messages import CheckoutView, PayResult


def order_already_placed(view: CheckoutView) -> PayResult | None:
    """Pay-and-place retried after the order was placed (a second click): the answer is
    that same order, not an error. None while no order is placed."""
    if view.status is not CheckoutStatus.SUBMITTED or not view.order_id:
        return None
    return PayResult(
        True,
        view.status,
        view.expires_at,
        card_brand=view.card_brand,
        card_last4=view.card_last4,
        order_id=view.order_id,
    )
