"""How cancelling an order can fail, as the web sees it.

    OrderNotFound       404: no such order for this shopper. Another shopper's order
                        looks exactly the same, so guessing ids teaches nothing.
    OrderCancelRefused  409: the order cannot be cancelled (a parcel already shipped,
                        it was delivered...): `kind` for clients, a sentence for shoppers.
    OrderUnavailable    503: Temporal unreachable or too slow, or the order's workflow
                        is not there yet; trying again later is the answer.

NotFound and ServiceUnavailable are werkzeug HTTP errors, so web/errors.py already turns
them into a page or `{"error": {...}}` wherever they are raised.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.exceptions import NotFound, ServiceUnavailable

from workflows.order import ALREADY_SHIPPED_MESSAGE as WORKFLOW_ALREADY_SHIPPED_MESSAGE

NOT_FOUND_MESSAGE = "We couldn't find that order in your orders."
UNAVAILABLE = (
    "We can't reach our order system right now, so nothing was cancelled. "
    "Please try again in a moment."
)
STILL_WORKING = (
    "Cancelling is taking longer than usual. Reload the page in a moment to see "
    "where your order stands."
)
NOT_READY = (
    "This order is still being handed to our warehouses. Please try cancelling again in a moment."
)
# The workflow's own refusal, word for word, when PostgreSQL already shows the shipment.
ALREADY_SHIPPED_MESSAGE = WORKFLOW_ALREADY_SHIPPED_MESSAGE
DELIVERED_MESSAGE = "This order has been delivered, so it can no longer be cancelled."
CLOSED_MESSAGE = "This order can no longer be cancelled online."


class OrderNotFound(NotFound):
    description = NOT_FOUND_MESSAGE


class OrderUnavailable(ServiceUnavailable):
    description = UNAVAILABLE


@dataclass
class OrderCancelRefused(Exception):
    kind: str  # AlreadyShipped, Delivered, OrderClosed, or the workflow's own type
    message: str

    def __str__(self) -> str:
        return self.message

    @property
    def code(self) -> str:
        """AlreadyShipped -> already_shipped, the API's error code."""
        return "".join(
            "_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(self.kind)
        )
