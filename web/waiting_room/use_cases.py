"""The waiting room's use cases, written once for the pages, the JSON API and the ticket stream.

    enter    BEGIN for a cart that holds an item with a waiting room: join the line,
             or, once admitted, claim the admission and let `begin()` hold the stock
    status   where the shopper's own ticket stands (anyone else's is unknown)

`enter(ports, user_id, lines, ticket_id, begin)`:

* no item of the cart has a waiting room: None (the caller begins as usual);
* the shopper is not admitted: a `Place` (the ticket; joining twice returns the same);
* the shopper is admitted (their ticket, or the one `ticketID` names): the ticket is
  claimed, `begin()` holds the stock, and its CheckoutView comes back;
* anything else (an expired or sold-out ticket named, someone else's, two items with
  a waiting room): `WaitingRoomRefused` with its `Refusal` (domain/refusals.py).

The ports are narrow Protocols; their real adapters are in web/waiting_room/adapters.py
(Redis for tickets, PostgreSQL for which items have a waiting room, Temporal for the
waiting room's workflow), the fakes in tests/fakes/waiting_room.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from db.redis.waiting_room import Ticket
from domain.refusals import Refusal, RefusalError, RefusalKind
from domain.stock import Line
from domain.waiting_room import TicketState, TicketStatus, estimated_wait_seconds
from workflows.checkout_messages import CheckoutView

T = TicketState
K = RefusalKind


class WaitingRoomRefused(RefusalError):
    pass


# --- ports --------------------------------------------------------------------------


class Tickets(Protocol):
    """The line itself (db/redis/waiting_room.py's WaitingRoom on Redis)."""

    def join(
        self, item_id: int, user_id: int, quantity: int, now_ms: int, *, after_used: bool = False
    ) -> tuple[Ticket, bool]: ...
    def ticket(self, ticket_id: str) -> Ticket | None: ...
    def claim(self, ticket_id: str, user_id: int, now_ms: int) -> str: ...
    def unclaim(self, ticket_id: str) -> bool: ...
    def begun(self, ticket_id: str, checkout_id: str) -> bool: ...
    def admission_times(self, item_id: int) -> list[int]: ...


class WaitingRoomItems(Protocol):
    def with_waiting_room(self, item_ids: Sequence[int]) -> list[int]:
        """Which of `item_ids` have a waiting room now, ascending."""
        ...


class Doorkeeper(Protocol):
    def ensure_running(self, item_id: int) -> None:
        """Make sure the item's WaitingRoomWorkflow admits shoppers (cheap when it does)."""
        ...


class CheckoutStates(Protocol):
    def holding(self, user_id: int, checkout_id: str) -> CheckoutView | None:
        """The shopper's checkout while it still holds stock, else None."""
        ...


@dataclass(frozen=True)
class WaitingRoomPorts:
    tickets: Tickets
    items: WaitingRoomItems
    doorkeeper: Doorkeeper
    checkouts: CheckoutStates
    now_ms: Callable[[], int]
    admission_rate: float  # configured admissions per second, for the first estimates


# --- outcomes -----------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a ticket stands, as the shopper is told."""

    ticket: Ticket
    status: TicketStatus
    position: int | None
    estimated_wait_seconds: int


def _refuse(kind: RefusalKind, message: str) -> WaitingRoomRefused:
    return WaitingRoomRefused(Refusal(kind, message))


# --- status -------------------------------------------------------------------------


def status(ports: WaitingRoomPorts, user_id: int, ticket_id: str) -> Place:
    """The shopper's own ticket; anyone else's is as unknown as one never issued."""
    return place_of(ports, own_ticket(ports, ticket_id, user_id))


def own_ticket(ports: WaitingRoomPorts, ticket_id: str, user_id: int) -> Ticket:
    ticket = ports.tickets.ticket(ticket_id[:100])
    if ticket is None or ticket.user_id != user_id:
        raise _refuse(K.TICKET_NOT_FOUND, "We couldn't find that waiting-room ticket.")
    return ticket


def place_of(ports: WaitingRoomPorts, ticket: Ticket) -> Place:
    shown = ticket.state.shown_as
    wait = 0
    if shown is TicketStatus.WAITING and ticket.position is not None:
        wait = estimated_wait_seconds(
            ticket.position,
            ports.tickets.admission_times(ticket.item_id),
            ports.now_ms(),
            configured_rate=ports.admission_rate,
        )
    return Place(ticket, shown, ticket.position, wait)


# --- enter (join, or be admitted) ---------------------------------------------------


def enter(
    ports: WaitingRoomPorts,
    user_id: int,
    lines: Sequence[Line],
    ticket_id: str | None,
    begin: Callable[[], CheckoutView],
) -> Place | CheckoutView | None:
    line = _line_with_waiting_room(ports, lines)
    if line is None:
        return None
    if ticket_id is not None:
        ticket = own_ticket(ports, ticket_id, user_id)
        if ticket.item_id != line.item_id:
            raise _refuse(
                K.TICKET_FOR_ANOTHER_ITEM,
                f"That ticket is for item {ticket.item_id}, not item {line.item_id}.",
            )
        _refuse_finished(ticket)
    else:
        ticket = join(ports, user_id, line)
        if ticket.state is T.BEGUN:
            try:  # BEGIN again after being let in: the checkout it began, while it holds
                return _begun_checkout(ports, ticket, user_id)
            except WaitingRoomRefused:  # that checkout is over: back in line, at the end
                ticket = join(ports, user_id, line, after_used=True)
    if ticket.state is T.BEGUN:
        return _begun_checkout(ports, ticket, user_id)
    if ticket.state is not T.ADMITTED:
        return place_of(ports, ticket)
    return admit(ports, ticket, user_id, line, begin)


def join(ports: WaitingRoomPorts, user_id: int, line: Line, *, after_used: bool = False) -> Ticket:
    ticket, _ = ports.tickets.join(
        line.item_id, user_id, line.quantity, ports.now_ms(), after_used=after_used
    )
    ports.doorkeeper.ensure_running(line.item_id)
    return ticket


def admit(
    ports: WaitingRoomPorts,
    ticket: Ticket,
    user_id: int,
    line: Line,
    begin: Callable[[], CheckoutView],
) -> CheckoutView | Place:
    """Use an admission: claim the ticket, hold the stock, note the checkout it began."""
    if line.quantity > ticket.quantity:
        raise _refuse(
            K.ADMITTED_FOR_FEWER,
            f"You were admitted to buy {ticket.quantity} of item {line.item_id}; "
            f"lower the quantity to {ticket.quantity} to check out.",
        )
    claimed = ports.tickets.claim(ticket.ticket_id, user_id, ports.now_ms())
    if claimed != "CLAIMED":
        fresh = ports.tickets.ticket(ticket.ticket_id)
        if fresh is None:
            raise _refuse(K.TICKET_NOT_FOUND, "That waiting-room ticket is gone.")
        if claimed == "LAPSED":
            fresh = replace(fresh, state=T.EXPIRED)
        _refuse_finished(fresh)
        if fresh.state is T.BEGUN:
            return _begun_checkout(ports, fresh, user_id)
        if fresh.state is T.BEGINNING:
            raise _refuse(K.CHECKOUT_BEGINNING, "Your checkout is being begun: one moment, please.")
        return place_of(ports, fresh)
    try:
        view = begin()
    except BaseException:
        ports.tickets.unclaim(ticket.ticket_id)
        raise
    if view.status.holds_stock:
        ports.tickets.begun(ticket.ticket_id, view.checkout_id)
    else:
        ports.tickets.unclaim(ticket.ticket_id)  # nothing held: the admission stands
    return view


def _line_with_waiting_room(ports: WaitingRoomPorts, lines: Sequence[Line]) -> Line | None:
    found = ports.items.with_waiting_room([line.item_id for line in lines])
    if not found:
        return None
    if len(found) > 1:
        raise _refuse(
            K.SEVERAL_WAITING_ROOMS,
            f"Items {', '.join(map(str, found))} are in high demand and each has its own "
            "waiting room: check them out one at a time.",
        )
    return next(line for line in lines if line.item_id == found[0])


def _begun_checkout(ports: WaitingRoomPorts, ticket: Ticket, user_id: int) -> CheckoutView:
    """An admission already used: its checkout while that still holds the stock."""
    if ticket.checkout_id:
        view = ports.checkouts.holding(user_id, ticket.checkout_id)
        if view is not None:
            return view
    raise _refuse(
        K.TICKET_USED,
        "This admission was used for a checkout that is over. Begin checkout again "
        "(without a ticketID) to join the waiting room again.",
    )


def _refuse_finished(ticket: Ticket) -> None:
    if ticket.state is T.SOLD_OUT:
        raise _refuse(K.SOLD_OUT, "Sorry, this item sold out while you waited.")
    if ticket.state is T.EXPIRED:
        raise _refuse(
            K.ADMISSION_EXPIRED,
            "Your turn to buy passed before checkout began. Begin checkout again "
            "(without a ticketID) to join the waiting room again.",
        )
