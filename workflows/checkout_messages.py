"""What CheckoutWorkflow, its callers and its activities pass to each other (pure dataclasses).

Instants travel as ISO-8601 strings (the data converter does not rebuild datetimes
inside dataclasses). Activities are referenced by the names below, so the workflow
never imports the activity module (and through it SQLAlchemy).
"""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.common import SearchAttributeKey

from domain.checkout import CheckoutStatus
from domain.refusals import Refusal
from domain.stock import Line, ShortLine

WORKFLOW_NAME = "CheckoutWorkflow"

# Activity names (the contract between workflows/checkout.py and activities/checkout.py).
RESERVE = "checkout.reserve"
RELEASE = "checkout.release"
AUTHORIZE_PAYMENT = "checkout.authorize_payment"
SUBMIT_ORDER = "checkout.submit_order"
VOID_PAYMENT = "checkout.void_payment"
VOID_UNSETTLED_PAYMENT = "checkout.void_unsettled_payment"

# ApplicationError types raised by the activities (business outcomes, never retried).
OUT_OF_STOCK = "OutOfStock"  # details: one {itemID, asked, left} per short line
UNKNOWN_ITEM = "UnknownItem"  # details: the unknown item ids
INVALID_CART = "InvalidCart"
RESERVATION_CONFLICT = "ReservationConflict"
PAYMENT_DECLINED = "PaymentDeclined"  # details: {code, message, brand, last4}
PAYMENT_REJECTED = "PaymentRejected"  # the gateway refuses the request itself
RESERVATION_LOST = "ReservationLost"
# ApplicationError type of a submit that could not become an order (money and stock returned).
ORDER_FAILED = "OrderFailed"

# Registered as Keyword on the dev server (stack/temporal_server.py SEARCH_ATTRIBUTES).
CUSTOMER_ID = SearchAttributeKey.for_keyword("CustomerId")
CHECKOUT_STATUS = SearchAttributeKey.for_keyword("CheckoutStatus")
ORDER_ID_ATTRIBUTE = SearchAttributeKey.for_keyword("OrderId")
# Set when the web starts the workflow (not upserted by it): the hold sweeper
# (activities/hold_sweep.py) finds a reservation's checkout by it.
CHECKOUT_ID_ATTRIBUTE = SearchAttributeKey.for_keyword("CheckoutId")


def checkout_workflow_id(user_id: int) -> str:
    """One running checkout per shopper: a second BEGIN lands on the same workflow."""
    return f"checkout-{user_id}"


# --- Workflow input, updates, query ---------------------------------------------------


@dataclass(frozen=True)
class CheckoutInput:
    checkout_id: str  # unique per checkout (reservations and the order are keyed by it)
    user_id: int
    lines: tuple[Line, ...]
    ttl_seconds: int  # the hold's length: Settings.reservation_ttl_seconds, passed by BEGIN


@dataclass(frozen=True)
class PricedLine:
    item_id: int
    quantity: int
    unit_price: int  # cents, read when the stock was reserved: the price the shopper saw
    name: str


@dataclass(frozen=True)
class CheckoutView:
    """The begin update's answer, the `state` query's answer and the workflow's result."""

    checkout_id: str
    user_id: int
    status: CheckoutStatus
    expires_at: str  # ISO-8601; moves later once a payment is authorized near the end
    lines: tuple[PricedLine, ...] = ()
    total: int = 0
    short_lines: tuple[ShortLine, ...] = ()  # set when status is OUT_OF_STOCK
    order_id: str | None = None
    payment_error: str | None = None  # the last decline, shown on the payment page
    card_brand: str | None = None
    card_last4: str | None = None
    message: str | None = None  # why a checkout was REJECTED or FAILED
    # Set once the checkout has ended: what any later pay, submit or cancel is told
    # (expired, cancelled, ordered...), decided by the workflow, never by the web's clock.
    closing_refusal: Refusal | None = None


@dataclass(frozen=True)
class BeginRequest:
    user_id: int


@dataclass(frozen=True)
class PaymentMethod:
    """The card as the gateway's vault names it. The card's digits and security code never
    travel in a workflow: the web tier tokenizes them first
    (payments.gateway.PaymentGateway.tokenize)."""

    payment_method_id: str
    brand: str
    last4: str


@dataclass(frozen=True)
class ShippingAddress:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str = ""


@dataclass(frozen=True)
class PayRequest:
    user_id: int
    payment: PaymentMethod
    shipping_address: ShippingAddress


@dataclass(frozen=True)
class PayResult:
    approved: bool
    status: CheckoutStatus
    expires_at: str
    decline_code: str | None = None
    message: str | None = None
    card_brand: str | None = None
    card_last4: str | None = None
    order_id: str | None = None  # set by pay_and_submit once the order exists


@dataclass(frozen=True)
class SubmitRequest:
    user_id: int


@dataclass(frozen=True)
class SubmitResult:
    order_id: str
    total: int


@dataclass(frozen=True)
class CancelRequest:
    user_id: int


# --- Activities -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReserveRequest:
    checkout_id: str
    lines: tuple[Line, ...]
    expires_at: str


@dataclass(frozen=True)
class ReserveResult:
    checkout_id: str
    lines: tuple[PricedLine, ...]


@dataclass(frozen=True)
class ReleaseRequest:
    checkout_id: str


@dataclass(frozen=True)
class ReleaseResult:
    released: tuple[Line, ...]  # empty when nothing was held any more
    order_id: str | None = None  # the order, when the checkout already became one


@dataclass(frozen=True)
class AuthorizeRequest:
    checkout_id: str
    attempt: int
    amount: int
    payment: PaymentMethod


@dataclass(frozen=True)
class AuthorizeResult:
    authorization_id: str
    amount: int
    card_brand: str
    card_last4: str


@dataclass(frozen=True)
class SubmitOrderRequest:
    checkout_id: str
    order_id: str
    user_id: int
    lines: tuple[PricedLine, ...]
    shipping_address: ShippingAddress
    authorization: AuthorizeResult
    ordered_at: str


@dataclass(frozen=True)
class SubmitOrderResult:
    order_id: str
    total: int
    created: bool  # False when a retry found the order already written


@dataclass(frozen=True)
class VoidPaymentRequest:
    checkout_id: str
    authorization_id: str
    amount: int


@dataclass(frozen=True)
class VoidUnsettledRequest:
    """Void whatever the `attempt`-th authorize of the checkout left, if anything: its
    answer never arrived (a timeout), so the workflow does not know the charge id."""

    checkout_id: str
    attempt: int


@dataclass(frozen=True)
class VoidPaymentResult:
    outcome: str  # "VOIDED", "REFUNDED", or "NONE" (no hold was found to void)
