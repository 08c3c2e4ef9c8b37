"""What OrderWorkflow says when it refuses a cancel (docs/orders.md): the words a
shopper reads, on the order page and in the API's error message alike (web/orders/errors.py
passes them on when PostgreSQL already shows the reason, so both say the same)."""

from __future__ import annotations

ALREADY_SHIPPED_MESSAGE = (
    "Part of this order has already shipped, so it can no longer be cancelled as a whole. "
    "You can still cancel the parcels that have not shipped."
)
EVERYTHING_SHIPPED_MESSAGE = "This order has shipped, so it can no longer be cancelled."
NOTHING_SHIPPED_MESSAGE = "Nothing of this order has shipped yet: cancel the whole order instead."
NOTHING_UNSHIPPED_MESSAGE = (
    "Every parcel of this order has shipped or was cancelled already: "
    "there is nothing left to cancel."
)
