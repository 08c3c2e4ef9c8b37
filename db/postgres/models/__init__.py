"""Typed SQLAlchemy 2.0 models for every table in docs/contract.md §3, one module per area.

Import them from here (`from db.postgres.models import Order, Suborder`): the modules are how
the file is kept readable, not an API. Importing this package registers every model on
`Base.metadata`, which Alembic and the schema test compare with the database.

Stock lives outside `items` on purpose: `aggregated_stock` is the number a shopper
can still reserve, `warehouse_stock` is what each warehouse holds. CHECK constraints
make the database itself refuse an oversell, whatever the code above it does.
"""

from db.postgres.models.base import NAMING, Base
from db.postgres.models.catalog import CatalogState, Item, Picture, WaitingRoomItem
from db.postgres.models.checkout import Reservation, ReservationState
from db.postgres.models.mail import PasswordResetToken, SentEmail
from db.postgres.models.orders import CoPurchase, Order, OrderLine, Suborder, SuborderLine
from db.postgres.models.payments import ChargeStatus, PaymentCharge, PaymentRefund, VaultedCard
from db.postgres.models.returns import ProductReturn, ReturnLine, StaffRefund
from db.postgres.models.reviews import RatingSearchPending, Review
from db.postgres.models.shoppers import (
    Cart,
    CartLine,
    SavedAddress,
    User,
    UserSession,
    UserWarehouse,
)
from db.postgres.models.stock import (
    AggregatedStock,
    RestockRecord,
    StockCorrection,
    StockEvent,
    StockSearchPending,
    Warehouse,
    WarehouseStock,
)
from domain.order import OrderStatus, SuborderStatus

__all__ = [
    "NAMING",
    "AggregatedStock",
    "Base",
    "Cart",
    "CartLine",
    "CatalogState",
    "ChargeStatus",
    "CoPurchase",
    "WaitingRoomItem",
    "Item",
    "Order",
    "OrderLine",
    "OrderStatus",
    "PaymentCharge",
    "PasswordResetToken",
    "Picture",
    "PaymentRefund",
    "ProductReturn",
    "RatingSearchPending",
    "Reservation",
    "ReservationState",
    "Review",
    "RestockRecord",
    "ReturnLine",
    "StockCorrection",
    "SavedAddress",
    "SentEmail",
    "StaffRefund",
    "StockEvent",
    "StockSearchPending",
    "Suborder",
    "SuborderLine",
    "SuborderStatus",
    "User",
    "UserSession",
    "UserWarehouse",
    "VaultedCard",
    "Warehouse",
    "WarehouseStock",
]
