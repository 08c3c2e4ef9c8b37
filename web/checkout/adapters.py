"""Checkout's ports (web/checkout/use_cases.py) on the real parts.

    TemporalCheckouts   CheckoutWorkflow's calls (web/checkout_client.py)
    DbCartLines         the shopper's cart, read from PostgreSQL
    DbItemLookup        which item ids the catalogue does not know
    AbuseLimits         web/limits.py (Redis), as it is
    the card vault      the payment gateway's `tokenize` (payments/), as it is
    WaitingRoomDoor     web/waiting_room/adapters.py

`checkout_ports()` gathers them for a request from web/services.py (built once per
process) and the app's abuse limits.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.postgres.carts import read_cart
from db.postgres.models import Item
from domain.stock import Line
from web.checkout.use_cases import CheckoutPorts
from web.limits import abuse_limits
from web.services import services


class DbCartLines:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def lines(self, user_id: int) -> list[Line]:
        with self._sessions() as session:
            cart = read_cart(session, user_id)
        return [Line(line.item_id, line.quantity) for line in cart.lines]


class DbItemLookup:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def unknown(self, item_ids: Sequence[int]) -> list[int]:
        wanted = sorted(set(item_ids))
        with self._sessions() as session:
            known = set(session.scalars(select(Item.id).where(Item.id.in_(wanted))))
        return [item_id for item_id in wanted if item_id not in known]


def checkout_ports() -> CheckoutPorts:
    s = services()
    assert s.checkout is not None, "Services.build wires checkout's ports"
    return CheckoutPorts(
        checkouts=s.checkout.checkouts,
        carts=s.checkout.carts,
        items=s.checkout.items,
        limits=abuse_limits(),
        vault=s.payments,
        waiting_room=s.checkout.waiting_room,
    )
