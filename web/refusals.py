"""Every refusal's HTTP status and API code, for pages and the JSON API alike.

One row per `RefusalKind` (domain/refusals.py). A page shows the refusal's message
with the status; the API answers `{"error": {"code", "message"}}` with it. A refusal
that has to wait (429) also carries `Retry-After`.
"""

from __future__ import annotations

from dataclasses import dataclass
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
}


def answer(kind: RefusalKind) -> Answer:
    return TABLE[kind]


def status_of(refusal: Refusal) -> int:
    return TABLE[refusal.kind].status


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
