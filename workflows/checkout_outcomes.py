"""The checkout outcomes an operator counts (docs/operations.md): `shopflow_checkout_outcomes`
on the worker's metrics endpoint, by `outcome`.

Counted by the checkout workflow, where each outcome is decided: an expiry happens on a
timer with no request to see it. Temporal's workflow metric meter skips replays, so a
worker that replays a history counts nothing twice, and the history is unchanged.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.checkout import CheckoutStatus as S

BEGUN = "begun"
PAID = "paid"
DECLINED = "declined"
SUBMITTED = "submitted"
EXPIRED = "expired"
CANCELLED = "cancelled"

# A hold begins when RESERVING becomes RESERVED (RESERVED again after a decline is not
# a new one); the other outcomes are the status entered.
_MOVES = {(S.RESERVING, S.RESERVED): BEGUN}
_ENTERED = {
    S.PAYMENT_AUTHORIZED: PAID,
    S.SUBMITTED: SUBMITTED,
    S.EXPIRED: EXPIRED,
    S.CANCELLED: CANCELLED,
}


def outcome_of(previous: S, status: S) -> str | None:
    return _MOVES.get((previous, status)) or _ENTERED.get(status)


def count(outcome: str | None) -> None:
    if outcome is None:
        return
    workflow.metric_meter().create_counter(
        "shopflow_checkout_outcomes", "Checkouts by outcome, as the checkout workflow decides it."
    ).add(1, {"outcome": outcome})
