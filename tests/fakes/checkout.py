"""In-memory fakes of checkout's ports (web/checkout/use_cases.py).

    FakeCheckouts   CheckoutWorkflow's calls, by the same domain rules (domain/checkout.py):
                    holds stock, pays (a sandbox decline card declines), places, cancels,
                    expires on the fake clock; another shopper's checkout is not found
    FakeCartLines   carts by shopper
    FakeItemLookup  a catalogue of item ids
    FakeVault       tokenize with the real card rules (payments/cards.py); remembers
                    every card it stored, so a test can say none was
    memory_limits   the real AbuseLimits (web/limits.py) on limits' memory storage
    NoWaitingRoom   no item has a waiting room

tests/fakes/test_checkout_contract.py runs the same scenarios against these and the
real adapters.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import Flask

from domain.checkout import (
    CheckoutStatus,
    cancel_refusal,
    closing_refusal,
    deadline_after_authorization,
    payment_refusal,
    replaced_by_new_cart,
    submit_refusal,
    to_iso,
)
from domain.money import order_total
from domain.stock import Line, ShortLine
from payments.cards import card_brand, card_problem, digits_only, last4
from payments.gateway import Card, InvalidCard, PaymentMethod
from payments.sandbox import DECLINE_MESSAGES, DECLINED_CARD, INSUFFICIENT_FUNDS_CARD
from settings import Settings
from web.checkout.use_cases import Begun, CheckoutPorts
from web.checkout_errors import CheckoutNotFound, refused
from web.limits import AbuseLimits
from workflows.checkout_messages import (
    CheckoutView,
    PayRequest,
    PayResult,
    PricedLine,
    SubmitResult,
)

S = CheckoutStatus
DECLINES = {DECLINED_CARD: "card_declined", INSUFFICIENT_FUNDS_CARD: "insufficient_funds"}
_ids = itertools.count(1)


class Clock:
    def __init__(self, start: datetime | None = None) -> None:
        # From the wall clock's now, so what a page counts down from it agrees.
        self.now = start or datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class _Run:
    view: CheckoutView
    deadline: datetime


class FakeCheckouts:
    def __init__(
        self,
        stock: dict[int, int],
        vault: FakeVault,
        *,
        ttl_seconds: int = 300,
        clock: Clock | None = None,
    ) -> None:
        self.stock = dict(stock)
        self.vault = vault
        self.ttl_seconds = ttl_seconds
        self.clock = clock or Clock()
        self.runs: dict[str, _Run] = {}
        self.latest: dict[int, str] = {}
        self.calls: list[str] = []
        self.prices: dict[int, int] = {}  # unit prices in cents; else 100 × the item id

    # --- the port -----------------------------------------------------------------

    def begin(self, user_id: int, lines: Sequence[Line]) -> Begun:
        self.calls.append("begin")
        current = self.current(user_id)
        if current is not None:
            if not replaced_by_new_cart(current.status, current.lines, lines):
                return Begun(current, False)
            self._give_back(self.runs[current.checkout_id], S.CANCELLED)
        checkout_id = f"{next(_ids):032x}"
        deadline = self.clock() + timedelta(seconds=max(self.ttl_seconds, 1))
        short = tuple(
            ShortLine(line.item_id, line.quantity, self.stock.get(line.item_id, 0))
            for line in lines
            if self.stock.get(line.item_id, 0) < line.quantity
        )
        view = CheckoutView(checkout_id, user_id, S.RESERVED, to_iso(deadline))
        if short:
            view = dataclasses.replace(view, status=S.OUT_OF_STOCK, short_lines=short)
        else:
            for line in lines:
                self.stock[line.item_id] -= line.quantity
            priced = tuple(
                PricedLine(
                    line.item_id,
                    line.quantity,
                    self.prices.get(line.item_id, 100 * line.item_id),
                    f"Item {line.item_id}",
                )
                for line in lines
            )
            view = dataclasses.replace(view, lines=priced, total=order_total(priced))
        run = _Run(self._closed(view), deadline)
        self.runs[checkout_id] = run
        self.latest[user_id] = checkout_id
        return Begun(run.view, True)

    def current(self, user_id: int) -> CheckoutView | None:
        checkout_id = self.latest.get(user_id)
        if checkout_id is None:
            return None
        view = self._run(checkout_id).view
        return None if view.status.is_finished else view

    def state(self, user_id: int, checkout_id: str) -> CheckoutView:
        self.calls.append("state")
        return self._own(user_id, checkout_id).view

    def pay(
        self, user_id: int, checkout_id: str, request: PayRequest, *, place_order: bool
    ) -> PayResult:
        self.calls.append("pay")
        run = self._own(user_id, checkout_id)
        self._refuse(run, payment_refusal, user_id)
        number = self.vault.numbers[request.payment.payment_method_id]
        if number in DECLINES:
            code = DECLINES[number]
            run.view = dataclasses.replace(run.view, payment_error=DECLINE_MESSAGES[code])
            return PayResult(False, S.RESERVED, run.view.expires_at, code, DECLINE_MESSAGES[code])
        run.deadline = deadline_after_authorization(run.deadline, self.clock())
        run.view = dataclasses.replace(
            run.view,
            status=S.PAYMENT_AUTHORIZED,
            expires_at=to_iso(run.deadline),
            payment_error=None,
            card_brand=request.payment.brand,
            card_last4=request.payment.last4,
        )
        result = PayResult(
            True,
            run.view.status,
            run.view.expires_at,
            card_brand=request.payment.brand,
            card_last4=request.payment.last4,
        )
        if place_order:
            placed = self.submit(user_id, checkout_id)
            return dataclasses.replace(result, status=S.SUBMITTED, order_id=placed.order_id)
        return result

    def submit(self, user_id: int, checkout_id: str) -> SubmitResult:
        self.calls.append("submit")
        run = self._own(user_id, checkout_id)
        self._refuse(run, submit_refusal, user_id)
        if run.view.status is not S.SUBMITTED:
            order_id = f"ord-{checkout_id[-8:]}"
            run.view = self._closed(
                dataclasses.replace(run.view, status=S.SUBMITTED, order_id=order_id)
            )
        assert run.view.order_id is not None
        return SubmitResult(run.view.order_id, run.view.total)

    def cancel(self, user_id: int, checkout_id: str) -> CheckoutView:
        self.calls.append("cancel")
        run = self._own(user_id, checkout_id)
        if run.view.status is S.CANCELLED:
            return run.view
        refusal = cancel_refusal(run.view.status, owner=run.view.user_id, caller=user_id)
        if refusal is not None:
            raise refused(run.view.closing_refusal or refusal)
        self._give_back(run, S.CANCELLED)
        return run.view

    # --- for tests ----------------------------------------------------------------

    def put_in(self, checkout_id: str, status: CheckoutStatus) -> None:
        """Move a run to `status` (e.g. SUBMITTING, which a real one passes in a moment)."""
        run = self.runs[checkout_id]
        run.view = self._closed(dataclasses.replace(run.view, status=status))

    # --- plumbing -----------------------------------------------------------------

    def _own(self, user_id: int, checkout_id: str) -> _Run:
        run = self.runs.get(checkout_id)
        if run is None or run.view.user_id != user_id:
            raise CheckoutNotFound()
        return self._run(checkout_id)

    def _run(self, checkout_id: str) -> _Run:
        run = self.runs[checkout_id]
        if run.view.status in (S.RESERVED, S.PAYMENT_AUTHORIZED) and self.clock() >= run.deadline:
            self._give_back(run, S.EXPIRED)
        return run

    def _refuse(self, run: _Run, rule: Callable, caller: int) -> None:
        if run.view.status.is_finished and rule is not submit_refusal:
            raise refused(run.view.closing_refusal)  # type: ignore[arg-type]
        refusal = rule(
            run.view.status,
            owner=run.view.user_id,
            caller=caller,
            now=self.clock(),
            deadline=run.deadline,
        )
        if refusal is not None:
            raise refused(run.view.closing_refusal or refusal)

    def _give_back(self, run: _Run, status: CheckoutStatus) -> None:
        for line in run.view.lines:
            self.stock[line.item_id] += line.quantity
        run.view = self._closed(dataclasses.replace(run.view, status=status))

    @staticmethod
    def _closed(view: CheckoutView) -> CheckoutView:
        return dataclasses.replace(view, closing_refusal=closing_refusal(view.status))


class FakeCartLines:
    def __init__(self, carts: dict[int, list[Line]] | None = None) -> None:
        self.carts = carts or {}

    def lines(self, user_id: int) -> list[Line]:
        return list(self.carts.get(user_id, []))


class FakeItemLookup:
    def __init__(self, known: Sequence[int]) -> None:
        self.known = set(known)

    def unknown(self, item_ids: Sequence[int]) -> list[int]:
        return sorted(set(item_ids) - self.known)


@dataclass
class FakeVault:
    clock: Callable[[], datetime] = field(default_factory=Clock)
    numbers: dict[str, str] = field(default_factory=dict)  # token -> card number

    def tokenize(self, card: Card) -> PaymentMethod:
        now = self.clock()
        problem = card_problem(card.number, card.expiry, card.cvc, now)
        if problem is not None:
            raise InvalidCard(problem.code, problem.message)
        token = f"pm_{next(_ids)}"
        self.numbers[token] = digits_only(card.number)
        return PaymentMethod(
            token, card_brand(card.number), last4(card.number), now + timedelta(minutes=15)
        )


class NoWaitingRoom:
    def enter(self, user_id, lines, ticket_id, begin):  # noqa: ANN001, ANN201
        return None


def memory_limits(settings: Settings | None = None) -> AbuseLimits:
    """The real limits, as production configures them unless told, counted in memory."""
    base = settings or Settings.from_env({})
    return AbuseLimits(Flask(__name__), dataclasses.replace(base, redis_url="memory://"))


@dataclass
class CheckoutWorld:
    """Every checkout port faked, and the ports bundle the use cases take."""

    stock: dict[int, int]
    settings: Settings | None = None
    waiting_room: object = field(default_factory=NoWaitingRoom)

    def __post_init__(self) -> None:
        self.clock = Clock()
        self.vault = FakeVault(self.clock)
        ttl = (self.settings or Settings.from_env({})).reservation_ttl_seconds
        self.checkouts = FakeCheckouts(self.stock, self.vault, ttl_seconds=ttl, clock=self.clock)
        self.carts = FakeCartLines()
        self.items = FakeItemLookup(list(self.stock))
        self.limits = memory_limits(self.settings)
        self.ports = CheckoutPorts(
            self.checkouts, self.carts, self.items, self.limits, self.vault, self.waiting_room
        )
