"""How a checkout call can fail, as the web sees it.

    CheckoutNotFound     404: no such checkout for this shopper. Another shopper's looks
                         exactly the same, so there is nothing to learn by guessing ids.
    CheckoutRefused      the workflow said no (expired, over, not paid yet...): the
                         refusal's `kind` (domain.checkout) and a sentence for the shopper.
                         Views choose the status (409, or 422 for a bad address).
    CheckoutUnavailable  503: Temporal unreachable, or too slow to answer.

NotFound and ServiceUnavailable are werkzeug HTTP errors, so web/errors.py already turns
them into a page or `{"error": {...}}` wherever they are raised.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.exceptions import NotFound, ServiceUnavailable

from domain.checkout import NOT_YOURS, Refusal

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


@dataclass
class CheckoutRefused(Exception):
    kind: str
    message: str

    def __str__(self) -> str:
        return self.message


def refused(refusal: Refusal | None) -> Exception:
    """The exception for a domain refusal (one worked out here for a run that has ended)."""
    if refusal is None:  # a closed run always has a finished status; be safe anyway
        refusal = Refusal("CheckoutFinished", "This checkout is already over.")
    if refusal.kind == NOT_YOURS.kind:
        return CheckoutNotFound()
    return CheckoutRefused(refusal.kind, refusal.message)
