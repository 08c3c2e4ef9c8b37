"""The life of one checkout: its states, the moves between them, and who may do what when.

    RESERVING -> RESERVED -> AUTHORIZING -> PAYMENT_AUTHORIZED -> SUBMITTING -> SUBMITTED
         |           |   ^------ declined --'        |                  |
         |           +-> EXPIRED / CANCELLED <-------+                  +-> FAILED
         +-> OUT_OF_STOCK / REJECTED / FAILED

The workflow asks these functions; it never re-derives a rule itself. Every function
takes `now` so the rules are the same in a workflow (workflow.now()), a test and the web.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from domain.delivery import promise_range
from domain.refusals import Refusal, RefusalKind

# A payment authorized right before the hold lapses still leaves the shopper this long
# to press "Place order": they paid in time, the clock should not punish them.
SUBMIT_GRACE_SECONDS = 60
# A promise, not a plan: until the order is split over warehouses, the latest date the
# delivery rule can give (docs/delivery.md); each parcel's own date replaces it.
DELIVERY_DAYS = promise_range()[1]


class CheckoutStatus(enum.StrEnum):
    RESERVING = "RESERVING"
    RESERVED = "RESERVED"
    AUTHORIZING = "AUTHORIZING"
    PAYMENT_AUTHORIZED = "PAYMENT_AUTHORIZED"
    SUBMITTING = "SUBMITTING"
    SUBMITTED = "SUBMITTED"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    REJECTED = "REJECTED"  # the cart itself was unacceptable (unknown item, bad quantity)
    FAILED = "FAILED"  # the store could not finish; money and stock were given back

    @property
    def is_finished(self) -> bool:
        return self in FINISHED

    @property
    def holds_stock(self) -> bool:
        return self in HOLDING


FINISHED = frozenset(
    {
        CheckoutStatus.SUBMITTED,
        CheckoutStatus.EXPIRED,
        CheckoutStatus.CANCELLED,
        CheckoutStatus.OUT_OF_STOCK,
        CheckoutStatus.REJECTED,
        CheckoutStatus.FAILED,
    }
)
HOLDING = frozenset(
    {
        CheckoutStatus.RESERVED,
        CheckoutStatus.AUTHORIZING,
        CheckoutStatus.PAYMENT_AUTHORIZED,
        CheckoutStatus.SUBMITTING,
    }
)
# States in which money is moving: the expiry timer must wait for the outcome.
BUSY = frozenset({CheckoutStatus.AUTHORIZING, CheckoutStatus.SUBMITTING})
# States a cancel can still stop (after SUBMITTING the order wins).
CANCELLABLE = frozenset(
    {
        CheckoutStatus.RESERVING,
        CheckoutStatus.RESERVED,
        CheckoutStatus.AUTHORIZING,
        CheckoutStatus.PAYMENT_AUTHORIZED,
    }
)

_S = CheckoutStatus
TRANSITIONS: Mapping[CheckoutStatus, frozenset[CheckoutStatus]] = {
    _S.RESERVING: frozenset({_S.RESERVED, _S.OUT_OF_STOCK, _S.REJECTED, _S.FAILED}),
    _S.RESERVED: frozenset({_S.AUTHORIZING, _S.EXPIRED, _S.CANCELLED}),
    _S.AUTHORIZING: frozenset({_S.PAYMENT_AUTHORIZED, _S.RESERVED}),
    _S.PAYMENT_AUTHORIZED: frozenset({_S.SUBMITTING, _S.EXPIRED, _S.CANCELLED}),
    _S.SUBMITTING: frozenset({_S.SUBMITTED, _S.FAILED}),
    **{finished: frozenset() for finished in FINISHED},
}


class IllegalTransition(RuntimeError):
    pass


def transition(current: CheckoutStatus, target: CheckoutStatus) -> CheckoutStatus:
    """`target` if the move is allowed; a bug in the caller otherwise."""
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(f"a checkout cannot go from {current} to {target}")
    return target


# States in which giving the stock back may discover that an order already exists.
_MAY_HAVE_AN_ORDER = HOLDING | {CheckoutStatus.EXPIRED, CheckoutStatus.CANCELLED}


def order_found(current: CheckoutStatus) -> CheckoutStatus:
    """The database holds an order for this checkout although the workflow did not see it written.

    That happens when a worker dies after the order transaction committed but before
    the workflow recorded it, and the retried workflow task then took another path
    (a cancel or the deadline arrived meanwhile). The order and its capture are real:
    the checkout is SUBMITTED, and nothing may be refunded or released for it.
    """
    if current not in _MAY_HAVE_AN_ORDER:
        raise IllegalTransition(f"a checkout that is {current} cannot turn out to be an order")
    return CheckoutStatus.SUBMITTED


K = RefusalKind
NOT_YOURS = Refusal(K.CHECKOUT_NOT_YOURS, "This checkout belongs to another shopper.")
# The kind a checkout that has ended closes with, whatever is asked of it afterwards.
_CLOSING = {
    CheckoutStatus.EXPIRED: Refusal(
        K.CHECKOUT_EXPIRED, "Your hold on these items expired. Begin checkout again."
    ),
    CheckoutStatus.CANCELLED: Refusal(
        K.CHECKOUT_CANCELLED, "This checkout was cancelled. Begin checkout again."
    ),
    CheckoutStatus.SUBMITTED: Refusal(
        K.CHECKOUT_ORDERED,
        "This checkout already became an order; to cancel it, cancel the order in My orders.",
    ),
    CheckoutStatus.OUT_OF_STOCK: Refusal(
        K.CHECKOUT_OUT_OF_STOCK, "Some items ran out before we could hold them. Nothing is held."
    ),
    CheckoutStatus.REJECTED: Refusal(K.CHECKOUT_REJECTED, "This cart cannot be checked out."),
    CheckoutStatus.FAILED: Refusal(
        K.CHECKOUT_FAILED, "This checkout could not be finished; nothing was kept."
    ),
}


def closing_refusal(status: CheckoutStatus) -> Refusal | None:
    """What every later request to a checkout that ended in `status` is told, or None if open."""
    return _CLOSING.get(status)


def _finished_refusal(status: CheckoutStatus) -> Refusal:
    refusal = closing_refusal(status)
    assert refusal is not None, f"{status} is not a finished status"
    return refusal


def _expired(now: datetime, deadline: datetime) -> Refusal:
    return Refusal(
        K.CHECKOUT_EXPIRED,
        f"Your hold on these items expired at {deadline:%H:%M:%S} UTC. Begin checkout again.",
    )


def payment_refusal(
    status: CheckoutStatus, *, owner: int, caller: int, now: datetime, deadline: datetime
) -> Refusal | None:
    """Whether a payment may start now. Accepted => the hold waits for its outcome."""
    refusal = payment_state_refusal(status, owner=owner, caller=caller)
    if refusal is None and now >= deadline:
        return _expired(now, deadline)
    return refusal


def payment_state_refusal(status: CheckoutStatus, *, owner: int, caller: int) -> Refusal | None:
    """Whether a checkout in `status` can take a payment from `caller`, the clock aside.

    The web asks this before it vaults a card or counts an attempt, so a card sent to a
    checkout that is not the caller's (or cannot be paid) is never stored; the workflow
    then asks `payment_refusal`, clock included, when the payment arrives.
    """
    if caller != owner:
        return NOT_YOURS
    if status.is_finished:
        return _finished_refusal(status)
    if status is CheckoutStatus.RESERVING:
        return Refusal(K.CHECKOUT_NOT_READY, "Your items are still being reserved; try again.")
    if status is CheckoutStatus.AUTHORIZING:
        return Refusal(
            K.PAYMENT_IN_PROGRESS, "A payment for this checkout is already being processed."
        )
    if status in (CheckoutStatus.PAYMENT_AUTHORIZED, CheckoutStatus.SUBMITTING):
        return Refusal(K.ALREADY_PAID, "This checkout is already paid; place the order.")
    return None


def submit_refusal(
    status: CheckoutStatus, *, owner: int, caller: int, now: datetime, deadline: datetime
) -> Refusal | None:
    """Whether the order may be placed now. A repeated submit is allowed: it returns the same order."""
    if caller != owner:
        return NOT_YOURS
    if status in (CheckoutStatus.SUBMITTING, CheckoutStatus.SUBMITTED):
        return None
    if status.is_finished:
        return _finished_refusal(status)
    if status is CheckoutStatus.AUTHORIZING:
        return Refusal(K.PAYMENT_IN_PROGRESS, "Your payment is still being processed; try again.")
    if status is not CheckoutStatus.PAYMENT_AUTHORIZED:
        return Refusal(K.PAYMENT_REQUIRED, "Enter your payment details before placing the order.")
    if now >= deadline:
        return _expired(now, deadline)
    return None


def replaced_by_new_cart(
    status: CheckoutStatus, held: Iterable[Any], wanted: Iterable[Any]
) -> bool:
    """BEGIN again with a cart other than the one the running checkout holds: start over.

    Only while no payment is in it (RESERVED): a checkout that is being paid for is the
    shopper's to finish or cancel, and BEGIN answers with it as it is. The same cart
    again (a double click, a second tab) always joins the running checkout.
    """
    return status is CheckoutStatus.RESERVED and _quantities(held) != _quantities(wanted)


def _quantities(lines: Iterable[Any]) -> dict[int, int]:
    merged: dict[int, int] = {}
    for line in lines:
        merged[line.item_id] = merged.get(line.item_id, 0) + line.quantity
    return merged


def cancel_refusal(status: CheckoutStatus, *, owner: int, caller: int) -> Refusal | None:
    """Whether the shopper may cancel. Cancelling twice is fine; cancelling an order is not this."""
    if caller != owner:
        return NOT_YOURS
    if status in (CheckoutStatus.SUBMITTING, CheckoutStatus.SUBMITTED):
        return Refusal(
            K.ALREADY_SUBMITTED, "The order was already placed; cancel it from My orders."
        )
    if status.is_finished and status is not CheckoutStatus.CANCELLED:
        return _finished_refusal(status)
    return None


def deadline_after_authorization(
    deadline: datetime, authorized_at: datetime, grace_seconds: int = SUBMIT_GRACE_SECONDS
) -> datetime:
    """A payment accepted in time keeps the hold long enough to place the order."""
    return max(deadline, authorized_at + timedelta(seconds=grace_seconds))


def payment_key(checkout_id: str, attempt: int) -> str:
    """Gateway idempotency key of the `attempt`-th payment try of a checkout.

    A decline is final for its key (the gateway remembers it, so a retried activity
    sees the same decline); the shopper's next try therefore gets the next number.
    A transient error keeps the number, so a retry finds an authorization that did
    go through instead of making a second one.
    """
    if attempt < 1:
        raise ValueError("payment attempts count from 1")
    return f"{checkout_id}:pay:{attempt}"


def refund_key(checkout_id: str) -> str:
    return f"{checkout_id}:refund"


def estimated_arrival(ordered_at: datetime) -> date:
    return (ordered_at + timedelta(days=DELIVERY_DAYS)).date()


REQUIRED_ADDRESS_FIELDS = ("name", "line1", "city", "postal_code", "country")
MAX_ADDRESS_FIELD = 200


def address_problem(address: Mapping[str, str | None]) -> str | None:
    """The first thing wrong with a shipping address, in words a shopper understands."""
    for field in REQUIRED_ADDRESS_FIELDS:
        if not (address.get(field) or "").strip():
            return f"Shipping address: {field.replace('_', ' ')} is required."
    for field, value in address.items():
        if value is not None and len(value) > MAX_ADDRESS_FIELD:
            return f"Shipping address: {field.replace('_', ' ')} is too long."
    return None


def to_iso(instant: datetime) -> str:
    """Instants cross process boundaries as ISO-8601 strings with an offset."""
    if instant.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return instant.isoformat()


def from_iso(text: str) -> datetime:
    instant = datetime.fromisoformat(text)
    if instant.tzinfo is None:
        raise ValueError(f"instant without a timezone: {text!r}")
    return instant
