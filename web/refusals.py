"""Every refusal's HTTP status and API code, for pages and the JSON API alike.

One row per `RefusalKind` (domain/refusals.py). A page shows the refusal's message
with the status; the API answers `{"error": {"code", "message"}}` with it. A refusal
that has to wait (429, 503) also carries `Retry-After`.

`Refused` is what every feature's use case returns when it says no (the one refusal
outcome under web/, a test keeps it so): its kind gives both the status and the code,
so the page and the API can never disagree on either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Response

from domain.refusals import Refusal, RefusalKind
from web.json_io import api_error

K = RefusalKind


@dataclass(frozen=True)
class Answer:
    status: int
    code: str  # the API's `error.code`


TABLE: dict[RefusalKind, Answer] = {
    # Another shopper's checkout reads exactly like one that does not exist.
    K.CHECKOUT_NOT_YOURS: Answer(404, "not_found"),
    K.CHECKOUT_NOT_READY: Answer(409, "checkout_not_ready"),
    K.CHECKOUT_EXPIRED: Answer(409, "checkout_expired"),
    K.CHECKOUT_CANCELLED: Answer(409, "checkout_cancelled"),
    K.CHECKOUT_ORDERED: Answer(409, "checkout_ordered"),
    K.CHECKOUT_OUT_OF_STOCK: Answer(409, "out_of_stock"),
    K.CHECKOUT_REJECTED: Answer(422, "invalid_cart"),
    K.CHECKOUT_FAILED: Answer(409, "checkout_failed"),
    K.CHECKOUT_UNAVAILABLE: Answer(503, "checkout_unavailable"),
    K.PAYMENT_IN_PROGRESS: Answer(409, "payment_in_progress"),
    K.ALREADY_PAID: Answer(409, "already_paid"),
    K.PAYMENT_REQUIRED: Answer(409, "payment_required"),
    K.ALREADY_SUBMITTED: Answer(409, "already_submitted"),
    K.INVALID_ADDRESS: Answer(422, "invalid_address"),
    K.EMPTY_CART: Answer(422, "empty_cart"),
    K.TOO_MANY_UNITS: Answer(422, "too_many_units"),
    K.UNKNOWN_ITEM: Answer(422, "unknown_item"),
    K.TOO_MANY_CHECKOUTS: Answer(429, "too_many_checkouts"),
    K.TOO_MANY_HOLDS: Answer(429, "too_many_holds"),
    K.TOO_MANY_PAYMENT_ATTEMPTS: Answer(429, "too_many_payment_attempts"),
    K.NO_OPEN_CHECKOUT: Answer(409, "no_open_checkout"),
    K.CARD_DECLINED: Answer(402, "card_declined"),
    K.PAYMENT_UNAVAILABLE: Answer(503, "payment_unavailable"),
    K.TICKET_NOT_FOUND: Answer(404, "ticket_not_found"),
    K.SEVERAL_WAITING_ROOMS: Answer(422, "several_waiting_rooms"),
    K.TICKET_FOR_ANOTHER_ITEM: Answer(422, "ticket_for_another_item"),
    K.ADMITTED_FOR_FEWER: Answer(409, "admitted_for_fewer"),
    K.CHECKOUT_BEGINNING: Answer(409, "checkout_beginning"),
    K.TICKET_USED: Answer(409, "ticket_used"),
    K.SOLD_OUT: Answer(409, "sold_out"),
    K.ADMISSION_EXPIRED: Answer(409, "admission_expired"),
    K.ORDER_NOT_YOURS: Answer(404, "not_found"),
    # Returns (docs/returns.md): each is about the order's state now, not a malformed
    # body, so each is a 409 (a later delivery may make the same request acceptable).
    K.NOT_DELIVERED_YET: Answer(409, "not_delivered_yet"),
    K.RETURN_WINDOW_CLOSED: Answer(409, "return_window_closed"),
    K.RETURN_TOO_MANY: Answer(409, "more_than_delivered"),
    K.RETURN_NOT_FOUND: Answer(404, "not_found"),
    K.REFUND_TOO_MUCH: Answer(409, "refund_too_much"),
    K.REFUND_REFUSED: Answer(409, "refund_refused"),
    K.RETURNS_UNAVAILABLE: Answer(503, "returns_unavailable"),
    K.BAD_REQUEST: Answer(400, "bad_request"),
    K.NOT_FOUND: Answer(404, "not_found"),
    K.NO_SUCH_ITEM: Answer(404, "unknown_item"),
    K.INVALID_QUANTITY: Answer(400, "invalid_quantity"),
    K.TOO_MANY_REQUESTS: Answer(429, "too_many_requests"),
    K.SERVICE_UNAVAILABLE: Answer(503, "service_unavailable"),
    K.INSUFFICIENT_STOCK: Answer(409, "insufficient_stock"),
    K.LINE_LIMIT: Answer(409, "line_limit"),
    K.CART_FULL: Answer(409, "cart_full"),
    K.ADDRESS_BOOK_FULL: Answer(409, "address_book_full"),
    K.ALREADY_SHIPPED: Answer(409, "already_shipped"),
    K.NOTHING_SHIPPED: Answer(409, "nothing_shipped"),
    K.NOTHING_UNSHIPPED: Answer(409, "nothing_unshipped"),
    K.ORDER_CLOSED: Answer(409, "order_closed"),
    K.ORDER_DELIVERED: Answer(409, "delivered"),
    K.ORDER_CANCELLED: Answer(409, "order_cancelled"),
    K.CANNOT_CANCEL: Answer(409, "cannot_cancel"),
    K.NOT_RECEIVED: Answer(403, "not_received"),
    K.ALREADY_REVIEWED: Answer(409, "already_reviewed"),
    K.INVALID_REVIEW: Answer(422, "invalid_review"),
    K.SUBORDER_CANCELLED: Answer(409, "cancelled"),
    K.NOT_SHIPPED: Answer(409, "not_shipped"),
    K.SUBORDER_REFUSED: Answer(409, "refused"),
    K.WORKFLOW_NOT_RUNNING: Answer(409, "workflow_not_running"),
    K.WAREHOUSE_INACTIVE: Answer(409, "warehouse_inactive"),
    K.KEY_REUSED: Answer(422, "idempotency_key_reused"),
    K.TOO_MANY_TO_REMOVE: Answer(409, "too_many_to_remove"),
    # Accounts: the JSON API's statuses (docs/api.md); the sign-in pages show the same.
    K.INVALID_ACCOUNT: Answer(400, "invalid_account"),
    K.INVALID_EMAIL: Answer(400, "invalid_email"),
    K.WEAK_PASSWORD: Answer(400, "weak_password"),
    K.WRONG_PASSWORD: Answer(403, "wrong_password"),
    K.EMAIL_TAKEN: Answer(409, "email_taken"),
    K.INVALID_CREDENTIALS: Answer(401, "invalid_credentials"),
    K.TOO_MANY_SIGN_INS: Answer(429, "too_many_attempts"),
    K.TOO_MANY_REGISTRATIONS: Answer(429, "too_many_registrations"),
    K.SIGN_IN_UNAVAILABLE: Answer(503, "sign_in_unavailable"),
    K.INVALID_RESET_LINK: Answer(400, "invalid_token"),
    K.TOO_MANY_RESETS: Answer(429, "too_many_resets"),
}


@dataclass(frozen=True)
class Refused:
    """A use case's no: its kind (so its status and code), a sentence for the person.

    `details` are extra fields of the API's `error` object a client can act on (e.g.
    `available`, `fields`, `retryAfter`); a feature may also carry what its page
    needs there (the warehouse portal's `row`) and then picks the API's fields itself.
    `retry_after` (seconds) becomes the `Retry-After` header.
    """

    kind: RefusalKind
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)
    retry_after: int | None = None

    @classmethod
    def of(cls, refusal: Refusal, **extra: Any) -> Refused:
        return cls(refusal.kind, refusal.message, **extra)

    @property
    def status(self) -> int:
        return TABLE[self.kind].status

    @property
    def code(self) -> str:
        return TABLE[self.kind].code

    @property
    def refusal(self) -> Refusal:
        return Refusal(self.kind, self.message)


def answer(kind: RefusalKind) -> Answer:
    return TABLE[kind]


def status_of(refusal: Refusal | Refused) -> int:
    return TABLE[refusal.kind].status


def refused_json(refused: Refused) -> Response:
    """A use case's refusal as `{"error": {code, message, ...details}}` with its status."""
    response = api_error(refused.status, refused.code, refused.message, **refused.details)
    return with_retry_after(response, refused.retry_after or None)


def api_refusal(refusal: Refusal, *, retry_after: int | None = None, **details: Any) -> Response:
    """`{"error": {"code", "message", ...details}}` with the table's status."""
    row = TABLE[refusal.kind]
    if retry_after is not None:
        details["retryAfter"] = retry_after
    response = api_error(row.status, row.code, refusal.message, **details)
    with_retry_after(response, retry_after)
    return response


def with_retry_after(response: Response, retry_after: int | None) -> Response:
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response
