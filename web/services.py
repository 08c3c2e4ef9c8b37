"""The long-lived clients one web process shares: built once at start-up, never at import.

The composition root builds them (`build_services` in entrypoints/web_services.py) and
hands them to `create_app(settings, services=...)`; tests hand fakes instead. Views
reach them through `services()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import redis
import typesense
from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db.search import SearchService
from db.search.multi_search import MultiSearch
from payments.gateway import PaymentGateway
from settings import Settings
from web.api_tokens import ApiTokens
from web.temporal_gateway import TemporalGateway

if TYPE_CHECKING:  # the features' ports, for the annotations below only
    from db.postgres.password_resets import PasswordResets
    from db.redis.revocations import TokenRevocations
    from web.account.ports import AddressBook
    from web.auth.ports import Accounts, BrowserSessions
    from web.cart.ports import CartItems, CartStore
    from web.checkout.use_cases import CartLines, CheckoutClient, ItemLookup, WaitingRoomDoor
    from web.item_reads import ItemReads
    from web.media.ports import MediaLibrary
    from web.orders.ports import OrderClient, OrderReads
    from web.recommendations.use_cases import Recommendations
    from web.refunds.ports import StaffRefunds
    from web.returns.ports import ReturnStore, ReturnWorkflows
    from web.reviews.ports import ReviewStore
    from web.staff_orders.ports import StaffCancel, StaffOrderReads
    from web.waiting_room.staff import WaitingRooms
    from web.waiting_room.use_cases import WaitingRoomPorts
    from web.warehouses.use_cases import WarehousePortal

EXTENSION_KEY = "shopflow"


@dataclass
class CheckoutWiring:
    """Checkout's ports that live as long as the process (web/checkout/adapters.py adds
    the app's abuse limits and the card vault per request)."""

    checkouts: CheckoutClient
    carts: CartLines
    items: ItemLookup
    waiting_room: WaitingRoomDoor


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    redis: redis.Redis
    typesense: typesense.Client
    search: SearchService
    tokens: ApiTokens
    # Where the web tier vaults cards (tokenize); the worker's activities use the same
    # gateway for the rest (entrypoints/payment_gateway.py picks it for both).
    payments: PaymentGateway
    # None when no Temporal address is configured: checkout then answers 503.
    temporal: TemporalGateway | None = None
    # The search page's live-stock lookup: its own autocommit pool (db/search/stock_overlay.py).
    stock_engine: Engine | None = None
    # The search service's connections to Typesense (db/search/multi_search.py).
    multi_search: MultiSearch | None = None
    # The ports of the features' use cases (web/<feature>/ports.py); the adapters are
    # web/<feature>/adapters.py, built by entrypoints/web_services.py; the fast tests
    # pass fakes (tests/fakes/).
    carts: CartStore | None = None
    cart_items: CartItems | None = None
    orders: OrderReads | None = None
    order_client: OrderClient | None = None
    addresses: AddressBook | None = None
    # Returns (web/returns/adapters.py): their rows, and each return's workflow.
    returns: ReturnStore | None = None
    return_workflows: ReturnWorkflows | None = None
    # Operators' refunds (web/refunds/adapters.py): PostgreSQL and the payment gateway.
    refunds: StaffRefunds | None = None
    # The warehouse portal's use cases on their ports (web/warehouses/adapters.py).
    warehouses: WarehousePortal | None = None
    # Tells the other web processes that a user's tokens ended (db/redis/revocations.py).
    revocations: TokenRevocations | None = None
    # One item and its live stock (web/items/adapters.py).
    items: ItemReads | None = None
    # Product pictures' files (web/media/adapters.py).
    media: MediaLibrary | None = None
    # Recommendations on their signals (web/recommendations/adapters.py).
    recommendations: Recommendations | None = None
    # Reviews and the ratings they make (web/reviews/adapters.py).
    reviews: ReviewStore | None = None
    checkout: CheckoutWiring | None = None
    waiting_room: WaitingRoomPorts | None = None
    # Staff's switch and view of the waiting rooms (web/waiting_room/staff.py).
    waiting_rooms: WaitingRooms | None = None
    # Who is signed in (web/current_user.py) and the sign-in use cases (web/auth/).
    accounts: Accounts | None = None
    browser_sessions: BrowserSessions | None = None
    # The staff order desk (web/staff_orders/): any customer's orders, the store's cancel.
    staff_orders: StaffOrderReads | None = None
    staff_cancel: StaffCancel | None = None
    # Password-reset links (web/auth/password_reset/): stored as hashes in PostgreSQL.
    password_resets: PasswordResets | None = None

    def close(self) -> None:
        self.engine.dispose()
        if self.stock_engine is not None:
            self.stock_engine.dispose()
        self.redis.close()
        if self.multi_search is not None:
            self.multi_search.close()
        if self.temporal is not None:
            self.temporal.close()


def services() -> Services:
    """The current app's services (inside a request or app context)."""
    return current_app.extensions[EXTENSION_KEY]
