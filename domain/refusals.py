"""Why the store says no: one `RefusalKind` from the rule that decides to the page that shows it.

A domain rule returns a `Refusal` (its kind and a sentence for the shopper). A workflow
validator raises it as an `ApplicationError` whose type is the kind's value; the web
reads the type back into the same `RefusalKind` and looks its HTTP status up in one
table (`web/refusals.py`). No step in between renames it, so a refusal never changes
type on the way and nothing compares free-form strings.

Each kind means one thing. A checkout that is another shopper's is not an order that
is another shopper's; a hold that expired is not a checkout that was cancelled.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class RefusalKind(enum.StrEnum):
    # --- the checkout's own state (CheckoutWorkflow's validators, domain/checkout.py) ---
    CHECKOUT_NOT_YOURS = "CheckoutNotYours"  # answered exactly like an unknown checkout
    CHECKOUT_NOT_READY = "CheckoutNotReady"  # still reserving
    CHECKOUT_EXPIRED = "CheckoutExpired"  # the hold's deadline passed
    CHECKOUT_CANCELLED = "CheckoutCancelled"
    CHECKOUT_ORDERED = "CheckoutOrdered"  # it already became an order
    CHECKOUT_OUT_OF_STOCK = "CheckoutOutOfStock"  # nothing was held: items ran out
    CHECKOUT_REJECTED = "CheckoutRejected"  # the cart itself was unacceptable
    CHECKOUT_FAILED = "CheckoutFailed"  # the store could not finish; everything given back
    CHECKOUT_UNAVAILABLE = "CheckoutUnavailable"  # BEGIN could not be answered now: try again
    PAYMENT_IN_PROGRESS = "PaymentInProgress"
    ALREADY_PAID = "AlreadyPaid"
    PAYMENT_REQUIRED = "PaymentRequired"
    ALREADY_SUBMITTED = "AlreadySubmitted"  # cancel after the order was placed
    INVALID_ADDRESS = "InvalidAddress"
    # --- what BEGIN and pay refuse before any workflow is asked (web/checkout/use_cases.py) ---
    EMPTY_CART = "EmptyCart"
    TOO_MANY_UNITS = "TooManyUnits"
    UNKNOWN_ITEM = "UnknownItem"
    TOO_MANY_CHECKOUTS = "TooManyCheckouts"
    TOO_MANY_HOLDS = "TooManyHolds"  # holds on one item, again and again
    TOO_MANY_PAYMENT_ATTEMPTS = "TooManyPaymentAttempts"
    NO_OPEN_CHECKOUT = "NoOpenCheckout"
    CARD_DECLINED = "CardDeclined"
    PAYMENT_UNAVAILABLE = "PaymentUnavailable"  # the gateway was unreachable, not a decline
    # --- the waiting room (web/waiting_room/use_cases.py) ---
    TICKET_NOT_FOUND = "TicketNotFound"
    SEVERAL_WAITING_ROOMS = "SeveralWaitingRooms"  # two items with a waiting room in one cart
    TICKET_FOR_ANOTHER_ITEM = "TicketForAnotherItem"
    ADMITTED_FOR_FEWER = "AdmittedForFewer"
    CHECKOUT_BEGINNING = "CheckoutBeginning"
    TICKET_USED = "TicketUsed"
    SOLD_OUT = "SoldOut"
    ADMISSION_EXPIRED = "AdmissionExpired"
    # --- an order (the order workflow) ---
    ORDER_NOT_YOURS = "OrderNotYours"
    # --- returns and refunds (domain/returns.py, docs/returns.md) ---
    NOT_DELIVERED_YET = "NotDeliveredYet"  # nothing of the order delivered: nothing to return
    RETURN_WINDOW_CLOSED = "ReturnWindowClosed"  # every parcel delivered > 30 days ago
    RETURN_TOO_MANY = "ReturnTooMany"  # more units than delivered minus already returned
    RETURN_NOT_FOUND = "ReturnNotFound"  # unknown, another order's or another warehouse's
    REFUND_TOO_MUCH = "RefundTooMuch"  # more than captured minus already refunded
    REFUND_REFUSED = "RefundRefused"  # the payment gateway said no
    RETURNS_UNAVAILABLE = "ReturnsUnavailable"  # the return's workflow could not be reached
    # --- any feature: a request that is malformed, about nothing, too frequent or too early ---
    BAD_REQUEST = "BadRequest"  # a parameter or body field the use case cannot read
    NOT_FOUND = "NotFound"  # unknown, or another account's: answered alike
    NO_SUCH_ITEM = "NoSuchItem"  # staff named an item the catalogue does not have
    INVALID_QUANTITY = "InvalidQuantity"  # not a whole number in range (cart, stock)
    TOO_MANY_REQUESTS = "TooManyRequests"  # a shopper's writes over the abuse limit
    SERVICE_UNAVAILABLE = "ServiceUnavailable"  # a workflow could not answer now: try again
    # --- the cart and the address book (domain/cart_rules.py, domain/addresses.py) ---
    INSUFFICIENT_STOCK = "InsufficientStock"
    LINE_LIMIT = "LineLimit"  # more of one item than a shopper may hold
    CART_FULL = "CartFull"
    ADDRESS_BOOK_FULL = "AddressBookFull"
    # --- cancelling an order (the order workflow's update, web/orders, web/staff_orders) ---
    # The three workflow refusals keep the workflow's type as their value
    # (workflows/order_messages.py), so `parse` reads them straight back.
    ALREADY_SHIPPED = "AlreadyShipped"  # a parcel left: cancel the rest instead
    NOTHING_SHIPPED = "NothingShipped"  # nothing left yet: cancel the whole order
    NOTHING_UNSHIPPED = "NothingUnshipped"  # every parcel left
    ORDER_CLOSED = "OrderClosed"  # the order's workflow finished
    ORDER_DELIVERED = "OrderDelivered"
    ORDER_CANCELLED = "OrderCancelled"
    CANNOT_CANCEL = "CannotCancel"  # any other reason the workflow gave
    # --- reviews (domain/reviews.py) ---
    NOT_RECEIVED = "NotReceived"  # only a shopper who received the item reviews it
    ALREADY_REVIEWED = "AlreadyReviewed"
    INVALID_REVIEW = "InvalidReview"
    # --- the warehouse portal (web/warehouses/) ---
    SUBORDER_CANCELLED = "SuborderCancelled"  # the shopper cancelled it: do not ship
    NOT_SHIPPED = "NotShipped"  # deliver before ship
    SUBORDER_REFUSED = "SuborderRefused"  # the suborder's workflow said no, for another reason
    WORKFLOW_NOT_RUNNING = "WorkflowNotRunning"
    WAREHOUSE_INACTIVE = "WarehouseInactive"
    KEY_REUSED = "KeyReused"  # an Idempotency-Key already used for another request
    TOO_MANY_TO_REMOVE = "TooManyToRemove"  # details: removable
    # --- accounts (web/auth/accounts.py) ---
    INVALID_ACCOUNT = "InvalidAccount"
    INVALID_EMAIL = "InvalidEmail"
    WEAK_PASSWORD = "WeakPassword"
    WRONG_PASSWORD = "WrongPassword"
    EMAIL_TAKEN = "EmailTaken"
    INVALID_CREDENTIALS = "InvalidCredentials"  # wrong email or password, alike
    TOO_MANY_SIGN_INS = "TooManySignIns"  # failed sign-in attempts from one address
    TOO_MANY_REGISTRATIONS = "TooManyRegistrations"  # new accounts from one network
    SIGN_IN_UNAVAILABLE = "SignInUnavailable"  # the throttle could not be asked: fail closed
    INVALID_RESET_LINK = "InvalidResetLink"  # used, expired or unknown
    TOO_MANY_RESETS = "TooManyResets"  # password reset requests or attempts

    @classmethod
    def parse(cls, value: str) -> RefusalKind | None:
        """The kind a workflow's ApplicationError type names, or None for any other type."""
        try:
            return cls(value)
        except ValueError:
            return None


_CANCEL_REFUSALS = frozenset(
    {RefusalKind.ALREADY_SHIPPED, RefusalKind.NOTHING_SHIPPED, RefusalKind.NOTHING_UNSHIPPED}
)


def cancel_refusal_kind(workflow_type: str) -> RefusalKind:
    """The kind of the order workflow's refusal of a cancel, from its ApplicationError type."""
    kind = RefusalKind.parse(workflow_type)
    return kind if kind in _CANCEL_REFUSALS else RefusalKind.CANNOT_CANCEL


@dataclass(frozen=True)
class Refusal:
    """Why a shopper's request is refused, with a sentence the shopper understands."""

    kind: RefusalKind
    message: str


class RefusalError(Exception):
    """A refusal raised through layers that answer with exceptions (the Temporal client,
    the waiting room); a use case catches it and returns the `Refusal` as its outcome."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal
