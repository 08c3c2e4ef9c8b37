"""The words of the orders' refusals, and the API code of a workflow's refusal.

Cancelling answers (web/orders/use_cases.py, web/outcomes.py's kinds):

    not_found      404: no such order for this shopper. Another shopper's order looks
                   exactly the same, so guessing ids teaches nothing.
    cannot_cancel  409: a parcel already shipped, it was delivered...; `code` for
                   clients (already_shipped, delivered, order_closed; for cancelling
                   the parcels that have not shipped also nothing_shipped,
                   nothing_unshipped, order_cancelled), a sentence for shoppers.
    unavailable    503: Temporal unreachable or too slow, or the order's workflow is not
                   there yet; trying again later is the answer.
"""

from __future__ import annotations

from workflows.order_refusals import ALREADY_SHIPPED_MESSAGE as WORKFLOW_ALREADY_SHIPPED_MESSAGE
from workflows.order_refusals import (
    EVERYTHING_SHIPPED_MESSAGE as WORKFLOW_EVERYTHING_SHIPPED_MESSAGE,
)
from workflows.order_refusals import NOTHING_SHIPPED_MESSAGE as WORKFLOW_NOTHING_SHIPPED_MESSAGE
from workflows.order_refusals import NOTHING_UNSHIPPED_MESSAGE as WORKFLOW_NOTHING_UNSHIPPED_MESSAGE

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
# The workflow's own refusals, word for word, when PostgreSQL already shows why.
ALREADY_SHIPPED_MESSAGE = WORKFLOW_ALREADY_SHIPPED_MESSAGE
EVERYTHING_SHIPPED_MESSAGE = WORKFLOW_EVERYTHING_SHIPPED_MESSAGE
NOTHING_SHIPPED_MESSAGE = WORKFLOW_NOTHING_SHIPPED_MESSAGE
NOTHING_UNSHIPPED_MESSAGE = WORKFLOW_NOTHING_UNSHIPPED_MESSAGE
ALREADY_CANCELLED_MESSAGE = "This order is already cancelled."
SHIPMENT_BEING_RECORDED = (
    "A parcel of this order has just shipped and is still being recorded, so nothing was "
    "cancelled. Please try again in a moment."
)
DELIVERED_MESSAGE = "This order has been delivered, so it can no longer be cancelled."
CLOSED_MESSAGE = "This order can no longer be cancelled online."


def api_code(kind: str) -> str:
    """A workflow refusal's type as the API's error code: AlreadyShipped -> already_shipped."""
    return "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(kind))
