"""How a checkout call can fail, as the web sees it.

    CheckoutNotFound     404: no such checkout for this shopper. Another shopper's looks
                         exactly the same, so there is nothing to learn by guessing ids.
    CheckoutRefused      the workflow said no (expired, over, not paid yet...): its
                         `Refusal` (domain/refusals.py), whose kind web/refusals.py maps
                         to a status for pages and API alike.
    CheckoutUnavailable  503: Temporal unreachable, or too slow to answer.

NotFound and ServiceUnavailable are werkzeug HTTP errors, so web/errors.py already turns
them into a page or `{"error": {...}}` wherever they are raised.
"""

from __future__ import annotations

from werkzeug.exceptions import NotFound, ServiceUnavailable

from domain.refusals import Refusal, RefusalError, RefusalKind

UNAVAILABLE = (
    "Checkout is unavailable right now. Nothing was charged; please try again in a moment."
)
STILL_WORKING = (
    "Checkout is taking longer than usual. Nothing is lost: reload the page in a moment "
    "to see where it stands."
)


class CheckoutNotFound(NotFound):
    description = "We couldn't find that checkout."


class CheckoutUnavailable(ServiceUnavailable):
    description = UNAVAILABLE


class CheckoutRefused(RefusalError):
    pass


def refused(refusal: Refusal) -> Exception:
    """The exception for a refusal: another shopper's checkout is simply not found."""
    if refusal.kind is RefusalKind.CHECKOUT_NOT_YOURS:
        return CheckoutNotFound()
    return CheckoutRefused(refusal)
