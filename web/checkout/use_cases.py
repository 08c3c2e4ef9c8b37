"""Checkout's use cases, each written once for the pages and the JSON API.

    begin    hold the cart (or the lines sent), through the waiting room for an item
             that has one
    pay      authorize a card (and, for the payment page, place the order too)
    submit   place the order of a paid checkout
    cancel   give the stock back now
    read     the checkout as it stands

Each takes `CheckoutPorts` (narrow Protocols: Temporal, the shopper's cart, the
catalogue, the abuse limits, the card vault, the waiting room) and returns an outcome;
nothing here knows about Flask. A refusal is a `Refused` with its `RefusalKind`
(domain/refusals.py); web/refusals.py gives it its HTTP status.

Paying checks the checkout's owner and state first, then counts the attempt, and only
then hands the card to the vault (docs/security.md): nobody can store a card against,
or use up the attempts of, a checkout that is not theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from domain.cart_rules import line_limit_message, lines_over_limit
from domain.checkout import CheckoutStatus, payment_state_refusal
from domain.refusals import RefusalError, RefusalKind
from domain.stock import Line
from payments.gateway import Card, InvalidCard
from payments.gateway import PaymentMethod as VaultedCard
from web.checkout_answers import order_already_placed
from web.payment_input import PaymentEntered
from web.refusals import Refused
from workflows.checkout_messages import (
    CheckoutView,
    PaymentMethod,
    PayRequest,
    PayResult,
    SubmitResult,
)

K = RefusalKind

# --- ports --------------------------------------------------------------------------


class Verdict(Protocol):
    allowed: bool
    retry_after: int


class Begun(NamedTuple):
    view: CheckoutView
    new: bool  # False when BEGIN joined the checkout already running (a double click)


class CheckoutClient(Protocol):
    """CheckoutWorkflow's calls. Raises CheckoutNotFound (unknown, or another shopper's),
    CheckoutRefused (the workflow said no) or CheckoutUnavailable (web/checkout_errors.py)."""

    def begin(self, user_id: int, lines: Sequence[Line]) -> Begun: ...
    def current(self, user_id: int) -> CheckoutView | None: ...
    def state(self, user_id: int, checkout_id: str) -> CheckoutView: ...
    def pay(
        self, user_id: int, checkout_id: str, request: PayRequest, *, place_order: bool
    ) -> PayResult: ...
    def submit(self, user_id: int, checkout_id: str) -> SubmitResult: ...
    def cancel(self, user_id: int, checkout_id: str) -> CheckoutView: ...


class CartLines(Protocol):
    def lines(self, user_id: int) -> list[Line]: ...


class ItemLookup(Protocol):
    def unknown(self, item_ids: Sequence[int]) -> list[int]:
        """The ids that are not in the catalogue, ascending."""
        ...


class Limits(Protocol):
    max_held_units_per_item: int

    def begin(self, user_id: int) -> Verdict: ...
    def payment(self, user_id: int, checkout_id: str) -> Verdict: ...
    def holds_left(self, user_id: int, item_id: int) -> Verdict:
        """Whether the shopper may hold `item_id` again (does not count)."""
        ...

    def hold_begun(self, user_id: int, item_id: int) -> None:
        """Count one new hold of `item_id` by the shopper."""
        ...


class CardVault(Protocol):
    def tokenize(self, card: Card) -> VaultedCard:
        """Raises payments.gateway.InvalidCard for a card the vault refuses."""
        ...


class WaitingRoomDoor(Protocol):
    """The waiting room in front of an item that has one (web/waiting_room/use_cases.py)."""

    def enter(
        self,
        user_id: int,
        lines: Sequence[Line],
        ticket_id: str | None,
        begin: Callable[[], CheckoutView],
    ) -> Any:
        """None (no waiting room: begin as usual), a CheckoutView (admitted: `begin` was
        called), or a place in line (any other object; the handler renders it).
        Raises a RefusalError (domain/refusals.py)."""
        ...


@dataclass(frozen=True)
class CheckoutPorts:
    checkouts: CheckoutClient
    carts: CartLines
    items: ItemLookup
    limits: Limits
    vault: CardVault
    waiting_room: WaitingRoomDoor


# --- outcomes -----------------------------------------------------------------------


# A refusal is web/refusals.py's Refused. Its details: CHECKOUT_OUT_OF_STOCK's "lines"
# (the ShortLines that ran out; the API shows each as_details()), UNKNOWN_ITEM's
# "itemIDs"; retry_after (seconds) for a limit (429).


@dataclass(frozen=True)
class Held:
    view: CheckoutView


@dataclass(frozen=True)
class Queued:
    place: Any  # the waiting room's place in line (web/waiting_room/use_cases.py)


@dataclass(frozen=True)
class Paid:
    result: PayResult  # approved; with `order_id` once the order is placed


@dataclass(frozen=True)
class Declined:
    result: PayResult

    @property
    def unavailable(self) -> bool:
        """The gateway could not be reached: nothing was decided about the card."""
        return self.result.decline_code == "processing_error"

    @property
    def message(self) -> str:
        """What the shopper is told (the bank's reason stays in the gateway's ledger)."""
        if self.result.message:
            return self.result.message
        if self.unavailable:
            return "Payments cannot be taken right now. Try again in a moment."
        return "Your card was declined. Try another card."


@dataclass(frozen=True)
class BadCard:
    """The vault refused the card (e.g. a number the gateway does not know)."""

    code: str
    message: str


@dataclass(frozen=True)
class Placed:
    result: SubmitResult


@dataclass(frozen=True)
class Cancelled:
    view: CheckoutView


PayOutcome = Paid | Declined | BadCard | Refused


def refused(kind: RefusalKind, message: str, **extra: Any) -> Refused:
    return Refused(kind, message, **extra)


# --- begin --------------------------------------------------------------------------


def begin(
    ports: CheckoutPorts,
    user_id: int,
    lines: Sequence[Line] | None = None,
    ticket_id: str | None = None,
) -> Held | Queued | Refused:
    """Hold `lines` (None: the shopper's cart), or queue in the item's waiting room."""
    if lines is None:
        lines = ports.carts.lines(user_id)
        if not lines:
            return refused(K.EMPTY_CART, "Your cart is empty: add something before checking out.")
    too_many = _units_over_cap(lines, ports.limits.max_held_units_per_item)
    if too_many:
        return refused(K.TOO_MANY_UNITS, too_many)
    verdict = ports.limits.begin(user_id)
    if not verdict.allowed:
        return _too_many(K.TOO_MANY_CHECKOUTS, "checkouts begun", verdict)
    unknown = ports.items.unknown(sorted({line.item_id for line in lines}))
    if unknown:
        return refused(
            K.UNKNOWN_ITEM, f"No item with itemID {unknown[0]}.", details={"itemIDs": list(unknown)}
        )
    for line in lines:  # holds that lapse again and again make the shopper wait
        verdict = ports.limits.holds_left(user_id, line.item_id)
        if not verdict.allowed:
            return _too_many(K.TOO_MANY_HOLDS, f"holds on item {line.item_id}", verdict)

    def hold() -> CheckoutView:
        begun = ports.checkouts.begin(user_id, lines)
        if begun.new and begun.view.status.holds_stock:
            for line in lines:
                ports.limits.hold_begun(user_id, line.item_id)
        return begun.view

    try:
        entered = ports.waiting_room.enter(user_id, lines, ticket_id, hold)
    except RefusalError as refusal:
        return Refused.of(refusal.refusal)
    if entered is not None and not isinstance(entered, CheckoutView):
        return Queued(entered)
    # No waiting room (or no longer one): an ordinary checkout, whatever ticket came along.
    view = entered or hold()
    if view.status.holds_stock:
        return Held(view)
    if view.short_lines:
        return refused(
            K.CHECKOUT_OUT_OF_STOCK,
            "Some items ran out since you added them: "
            + "; ".join(
                f"item {s.item_id}: asked {s.asked}, {s.left} left" for s in view.short_lines
            )
            + ". Nothing is held.",
            details={"lines": view.short_lines},
        )
    if view.status is CheckoutStatus.REJECTED:
        return refused(K.CHECKOUT_REJECTED, view.message or "This cart cannot be checked out.")
    return refused(K.CHECKOUT_UNAVAILABLE, view.message or "Checkout failed; try again.")


def _units_over_cap(lines: Sequence[Line], cap: int) -> str | None:
    """The cart's own words (domain/cart_rules.py): the same limit, the same message."""
    over = lines_over_limit(((line.item_id, line.quantity) for line in lines), cap)
    return line_limit_message(cap) if over else None


def _too_many(kind: RefusalKind, what: str, verdict: Verdict) -> Refused:
    return refused(
        kind, too_many_message(what, verdict.retry_after), retry_after=verdict.retry_after
    )


def too_many_message(what: str, wait: int) -> str:
    unit = "second" if wait < 120 else "minute"
    amount = wait if unit == "second" else round(wait / 60)
    return (
        f"Too many {what}. Please wait {amount} {unit}{'s' if amount != 1 else ''} and try again."
    )


# --- pay ----------------------------------------------------------------------------


def pay(
    ports: CheckoutPorts,
    user_id: int,
    checkout_id: str,
    entered: PaymentEntered,
    *,
    place_order: bool,
) -> PayOutcome:
    """Owner and state first, then the attempt is counted, then the card is vaulted."""
    view = ports.checkouts.state(user_id, checkout_id)  # CheckoutNotFound if not theirs
    placed = order_already_placed(view) if place_order else None
    if placed is not None:
        return Paid(placed)
    refusal = payment_state_refusal(view.status, owner=view.user_id, caller=user_id)
    if refusal is not None:
        return Refused.of(refusal)
    verdict = ports.limits.payment(user_id, checkout_id)
    if not verdict.allowed:
        return _too_many(K.TOO_MANY_PAYMENT_ATTEMPTS, "payment attempts", verdict)
    try:
        method = ports.vault.tokenize(entered.card)
    except InvalidCard as invalid:
        return BadCard(invalid.code, invalid.message)
    request = PayRequest(
        user_id, PaymentMethod(method.id, method.brand, method.last4), entered.shipping_address
    )
    try:
        result = ports.checkouts.pay(user_id, checkout_id, request, place_order=place_order)
    except RefusalError as refusal:
        return Refused.of(refusal.refusal)
    if result.approved:
        return Paid(result)
    return Declined(result)


# --- submit / cancel / read ---------------------------------------------------------


def submit(ports: CheckoutPorts, user_id: int, checkout_id: str | None) -> Placed | Refused:
    """Place the order of `checkout_id` (None: the shopper's open checkout)."""
    checkout_id = checkout_id or _open_checkout(ports, user_id)
    if checkout_id is None:
        return _no_open_checkout("submit")
    try:
        return Placed(ports.checkouts.submit(user_id, checkout_id))
    except RefusalError as refusal:
        return Refused.of(refusal.refusal)


def cancel(ports: CheckoutPorts, user_id: int, checkout_id: str | None) -> Cancelled | Refused:
    """Give the stock back now (None: the shopper's open checkout). Twice is fine."""
    checkout_id = checkout_id or _open_checkout(ports, user_id)
    if checkout_id is None:
        return _no_open_checkout("cancel")
    try:
        return Cancelled(ports.checkouts.cancel(user_id, checkout_id))
    except RefusalError as refusal:
        return Refused.of(refusal.refusal)


def read(ports: CheckoutPorts, user_id: int, checkout_id: str) -> CheckoutView:
    """The checkout as it stands; CheckoutNotFound when it is not this shopper's."""
    return ports.checkouts.state(user_id, checkout_id)


def _open_checkout(ports: CheckoutPorts, user_id: int) -> str | None:
    """A shopper has at most one open checkout (one workflow id per shopper), so leaving
    the id out is never ambiguous."""
    current = ports.checkouts.current(user_id)
    return current.checkout_id if current else None


def _no_open_checkout(verb: str) -> Refused:
    return refused(
        K.NO_OPEN_CHECKOUT,
        f"You have no open checkout to {verb}: begin one with POST /api/v1/checkout?op=BEGIN. "
        "An order you have just placed is listed by GET /api/v1/orders.",
    )
