"""BEGIN for a cart that holds a hot item: a place in line, never a hold without admission.

`through_gate(user_id, lines, ticket_id, begin)` is what /api/v1/checkout?op=BEGIN and
the cart page's "Begin checkout" call before holding anything:

* no hot item in the cart: None (the caller begins as usual);
* the shopper is not admitted: a `Place` (the ticket; joining twice returns the same);
* the shopper is admitted (their ticket, or the one `ticketID` names): the ticket is
  claimed, `begin()` holds the stock, and its CheckoutView comes back;
* anything else (an expired or sold-out ticket named, someone else's, two hot items):
  `GateRefused` with a status, a code and a sentence.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from db.postgres.waiting_room_items import hot_among
from db.redis.waiting_room import Ticket, WaitingRoom
from domain.stock import Line
from domain.waiting_room import TicketState, TicketStatus, estimated_wait_seconds
from web.checkout_client import checkout_client
from web.checkout_errors import CheckoutNotFound
from web.services import services
from web.waiting_room_gatekeeper import ensure_gate
from workflows.checkout_messages import CheckoutView

T = TicketState


@dataclass
class GateRefused(Exception):
    status: int
    code: str
    message: str


@dataclass(frozen=True)
class Place:
    """Where a ticket stands, as the shopper is told."""

    ticket: Ticket
    status: TicketStatus
    position: int | None
    estimated_wait_seconds: int


def now_ms() -> int:
    return int(time.time() * 1000)


def room() -> WaitingRoom:
    return WaitingRoom(services().redis)


def place_of(ticket: Ticket) -> Place:
    status = ticket.state.shown_as
    wait = 0
    if status is TicketStatus.WAITING and ticket.position is not None:
        wait = estimated_wait_seconds(
            ticket.position,
            room().admission_times(ticket.item_id),
            now_ms(),
            configured_rate=services().settings.hot_admission_rate,
        )
    return Place(ticket, status, ticket.position, wait)


def own_ticket(ticket_id: str, user_id: int) -> Ticket:
    """The shopper's own ticket; anyone else's is as unknown as one never issued."""
    ticket = room().ticket(ticket_id)
    if ticket is None or ticket.user_id != user_id:
        raise GateRefused(404, "ticket_not_found", "We couldn't find that waiting-room ticket.")
    return ticket


def hot_line(lines: Sequence[Line]) -> Line | None:
    with services().sessions() as session:
        hot = hot_among(session, (line.item_id for line in lines))
    if not hot:
        return None
    if len(hot) > 1:
        raise GateRefused(
            422,
            "several_hot_items",
            f"Items {', '.join(map(str, hot))} are in high demand and each has its own "
            "waiting line: check them out one at a time.",
        )
    return next(line for line in lines if line.item_id == hot[0])


def through_gate(
    user_id: int,
    lines: Sequence[Line],
    ticket_id: str | None,
    begin: Callable[[], CheckoutView],
) -> Place | CheckoutView | None:
    line = hot_line(lines)
    if line is None:
        return None
    if ticket_id is not None:
        ticket = own_ticket(ticket_id, user_id)
        if ticket.item_id != line.item_id:
            raise GateRefused(
                422,
                "ticket_for_another_item",
                f"That ticket is for item {ticket.item_id}, not item {line.item_id}.",
            )
        _refuse_finished(ticket)
    else:
        ticket = _join(user_id, line)
        if ticket.state is T.BEGUN:
            try:  # BEGIN again after being let in: the checkout it began, while it holds
                return _begun_checkout(ticket, user_id)
            except GateRefused:  # that checkout is over: back in line, at the end
                ticket = _join(user_id, line, after_used=True)
    if ticket.state is T.BEGUN:
        return _begun_checkout(ticket, user_id)
    if ticket.state is not T.ADMITTED:
        return place_of(ticket)
    return _begin_admitted(ticket, user_id, line, begin)


def _join(user_id: int, line: Line, *, after_used: bool = False) -> Ticket:
    s = services()
    ticket, _ = room().join(line.item_id, user_id, line.quantity, now_ms(), after_used=after_used)
    ensure_gate(s.temporal, s.settings, s.redis, line.item_id)
    return ticket


def _begin_admitted(
    ticket: Ticket, user_id: int, line: Line, begin: Callable[[], CheckoutView]
) -> CheckoutView | Place:
    if line.quantity > ticket.quantity:
        raise GateRefused(
            409,
            "admitted_for_fewer",
            f"You were admitted to buy {ticket.quantity} of item {line.item_id}; "
            f"lower the quantity to {ticket.quantity} to check out.",
        )
    claimed = room().claim(ticket.ticket_id, user_id, now_ms())
    if claimed != "CLAIMED":
        fresh = room().ticket(ticket.ticket_id)
        if fresh is None:
            raise GateRefused(404, "ticket_not_found", "That waiting-room ticket is gone.")
        if claimed == "LAPSED":
            fresh = ticket_as(fresh, T.EXPIRED)
        _refuse_finished(fresh)
        if fresh.state is T.BEGUN:
            return _begun_checkout(fresh, user_id)
        if fresh.state is T.BEGINNING:
            raise GateRefused(
                409, "checkout_beginning", "Your checkout is being begun: one moment, please."
            )
        return place_of(fresh)
    try:
        view = begin()
    except BaseException:
        room().unclaim(ticket.ticket_id)
        raise
    if view.status.holds_stock:
        room().begun(ticket.ticket_id, view.checkout_id)
    else:
        room().unclaim(ticket.ticket_id)  # nothing held: the admission stands until it lapses
    return view


def _begun_checkout(ticket: Ticket, user_id: int) -> CheckoutView:
    """An admission already used: its checkout while that still holds the stock."""
    if ticket.checkout_id:
        try:
            view = checkout_client().state(user_id, ticket.checkout_id)
        except CheckoutNotFound:
            view = None
        if view is not None and view.status.holds_stock:
            return view
    raise GateRefused(
        409,
        "ticket_used",
        "This admission was used for a checkout that is over. Begin checkout again "
        "(without a ticketID) to join the line again.",
    )


def _refuse_finished(ticket: Ticket) -> None:
    if ticket.state is T.SOLD_OUT:
        raise GateRefused(409, "sold_out", "Sorry, this item sold out while you waited.")
    if ticket.state is T.EXPIRED:
        raise GateRefused(
            409,
            "admission_expired",
            "Your turn to buy passed before checkout began. Begin checkout again "
            "(without a ticketID) to join the line again.",
        )


def ticket_as(ticket: Ticket, state: TicketState) -> Ticket:
    return replace(ticket, state=state)
