"""The words of the orders' refusals.

Cancelling answers (web/orders/use_cases.py; kinds in domain/refusals.py, statuses and
codes in web/refusals.py):

    NOT_FOUND          404: no such order for this shopper. Another shopper's order
                       looks exactly the same, so guessing ids teaches nothing.
    ALREADY_SHIPPED, ORDER_DELIVERED, ORDER_CLOSED (and, cancelling the parcels that
    have not shipped, NOTHING_SHIPPED, NOTHING_UNSHIPPED, ORDER_CANCELLED)
                       409, each with its own API code, a sentence for shoppers.
    SERVICE_UNAVAILABLE 503: Temporal unreachable or too slow, or the order's workflow
                       is not there yet; trying again later is the answer.
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
