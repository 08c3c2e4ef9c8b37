"""`/api/v1/checkout`: begin, pay, submit, cancel and read a checkout (docs/contract.md §5).

    POST /api/v1/checkout?op=BEGIN   {cart?: [{itemID, quantity}], ticketID?}
                                     201 | 409 out_of_stock | 202 a place in a waiting
                                     room's line (docs/waiting-room.md)
    POST /api/v1/checkout/<id>/payment {paymentDetails, shippingAddress} 200 | 402 declined
    POST /api/v1/checkout?op=SUBMIT  [{checkoutID}]                   201 {orderID, status, total}
    POST /api/v1/checkout?op=CANCEL  [{checkoutID} | {cart}]          200 {checkoutID, status}
    POST /api/v1/checkout?op=CANCEL  {orderID}                        200 the order, CANCELLED
                                                                      | 409 already shipped
    GET  /api/v1/checkout/<id>                                        the checkout's state

SUBMIT and CANCEL without a checkoutID (no body, `{}`, or the design write-up's
`{cart: [...]}` for CANCEL, whose cart is only informational) act on the shopper's one
open checkout; with none open they answer 409 `no_open_checkout`. An explicit id that
is not this shopper's is a 404, like an unknown one. Money is integer cents; times are
ISO 8601 UTC. `Idempotency-Key` is honoured on BEGIN, SUBMIT and CANCEL. A blueprint
of its own so every answer here, errors included, is `Cache-Control: private, no-store`.
"""

from __future__ import annotations

import enum
import re
from typing import Any

from flask import Blueprint, Response, request, url_for

from db.postgres.carts import MAX_ITEM_ID
from domain.order import OrderStatus
from domain.stock import MAX_CHECKOUT_LINES, MAX_LINE_QUANTITY, InvalidCart, Line, normalise_lines
from web.address_book import remember_use, saved_address_choice
from web.checkout import use_cases
from web.checkout.adapters import checkout_ports
from web.checkout_errors import CheckoutNotFound
from web.current_user import api_login_required, current_user_id
from web.errors import BadRequest
from web.formatting import utc_iso
from web.headers import keep_private
from web.idempotency import idempotent
from web.json_io import api_error, private_json, read_json_object
from web.order_cancel import cancel_order_answer
from web.payment_input import PaymentInputError, from_json
from web.refusals import Refused, api_refusal
from web.waiting_room_json import place_json
from workflows.checkout_messages import CheckoutView, PricedLine

bp = Blueprint("api_checkout", __name__, url_prefix="/api/v1/checkout")
keep_private(bp)

CHECKOUT_ID_PATTERN = re.compile(r"[0-9a-f]{32}")


class Op(enum.StrEnum):
    BEGIN = "BEGIN"
    SUBMIT = "SUBMIT"
    CANCEL = "CANCEL"


OPS = ", ".join(Op)


@bp.post("")
@api_login_required
def checkout_op() -> Response:
    op = _parse_op(request.args.get("op"))
    user_id = current_user_id()
    if op is Op.BEGIN:
        return idempotent(f"{user_id}:BEGIN", lambda: _begin(user_id))
    if op is Op.SUBMIT:
        return idempotent(f"{user_id}:SUBMIT", lambda: _submit(user_id))
    return idempotent(f"{user_id}:CANCEL", lambda: _cancel(user_id))


@bp.get("/<checkout_id>")
@api_login_required
def get_checkout(checkout_id: str) -> Response:
    view = use_cases.read(checkout_ports(), current_user_id(), _valid_id(checkout_id))
    return private_json(checkout_state_json(view))


@bp.post("/<checkout_id>/payment")
@api_login_required
def pay(checkout_id: str) -> Response:
    user_id, checkout_id = current_user_id(), _valid_id(checkout_id)
    payload = read_json_object()
    try:
        saved = saved_address_choice(user_id, payload.get("shippingAddress"))
        if saved is not None:
            payload = {**payload, "shippingAddress": saved.fields()}
        entered = from_json(payload)
    except PaymentInputError as error:
        return api_error(error.status, error.code, error.message, **error.details())
    outcome = use_cases.pay(checkout_ports(), user_id, checkout_id, entered, place_order=False)
    if isinstance(outcome, use_cases.Paid) and saved is not None:
        remember_use(user_id, saved.id)
    return _payment_answer(checkout_id, outcome)


def _payment_answer(checkout_id: str, outcome: use_cases.PayOutcome) -> Response:
    if isinstance(outcome, use_cases.Paid):
        result = outcome.result
        card = {"brand": result.card_brand, "last4": result.card_last4}
        return private_json({"checkoutID": checkout_id, "status": result.status, "card": card})
    if isinstance(outcome, use_cases.BadCard):
        return api_error(422, outcome.code, outcome.message)
    if isinstance(outcome, use_cases.Declined):
        if outcome.unavailable:  # the gateway was unreachable, not a decline
            return api_error(503, "payment_unavailable", outcome.message)
        code, expires_at = outcome.result.decline_code or "card_declined", outcome.result.expires_at
        return api_error(402, code, outcome.message, expiresAt=utc_iso(expires_at))
    return _refused(outcome)


# --- operations ---------------------------------------------------------------------


def _begin(user_id: int) -> Response:
    payload = _optional_json_object()
    ticket_id = _ticket_id_from_body(payload)
    outcome = use_cases.begin(checkout_ports(), user_id, _lines_from_body(payload), ticket_id)
    if isinstance(outcome, use_cases.Held):
        return private_json(checkout_json(outcome.view), 201)
    if isinstance(outcome, use_cases.Queued):
        return private_json(place_json(outcome.place), 202)
    return _refused(outcome)


def _submit(user_id: int) -> Response:
    payload = _optional_json_object()
    if "orderID" in payload:
        raise BadRequest(
            "SUBMIT places the order of your open checkout: send no body or {checkoutID}; "
            "orderID is only for CANCEL."
        )
    outcome = use_cases.submit(checkout_ports(), user_id, _checkout_id_from_body(payload))
    if isinstance(outcome, Refused):
        return _refused(outcome)
    # Just written by the workflow's activity, so the order is PENDING.
    placed = outcome.result
    return private_json(
        {"orderID": placed.order_id, "status": OrderStatus.PENDING, "total": placed.total}, 201
    )


def _cancel(user_id: int) -> Response:
    payload = _optional_json_object()
    if "orderID" in payload:  # docs/contract.md §5: cancelling an order, not a checkout
        if "checkoutID" in payload:
            raise BadRequest("Send either checkoutID (a checkout) or orderID (an order), not both.")
        return cancel_order_answer(user_id, payload["orderID"])
    if "cart" in payload:  # the design write-up's CANCEL body: checked, then only informational
        _informational_cart(payload["cart"])
    outcome = use_cases.cancel(checkout_ports(), user_id, _checkout_id_from_body(payload))
    if isinstance(outcome, Refused):
        return _refused(outcome)
    return private_json({"checkoutID": outcome.view.checkout_id, "status": outcome.view.status})


def _refused(outcome: Refused) -> Response:
    details = dict(outcome.details)
    if "lines" in details:
        details["lines"] = [short.as_details() for short in details["lines"]]
    return api_refusal(outcome.refusal, retry_after=outcome.retry_after, **details)


def _checkout_id_from_body(payload: dict[str, Any]) -> str | None:
    """The checkout named, or None for the shopper's open one."""
    value = payload.get("checkoutID")
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest("checkoutID must be a string (or leave it out for your open checkout).")
    return _valid_id(value)


# --- JSON ---------------------------------------------------------------------------


def checkout_json(view: CheckoutView) -> dict[str, Any]:
    return {
        "checkoutID": view.checkout_id,
        "paymentInputURL": url_for("api_checkout.pay", checkout_id=view.checkout_id),
        "expiresAt": utc_iso(view.expires_at),
        "status": view.status,
        "lines": [line_json(line) for line in view.lines],
        "total": view.total,
    }


def checkout_state_json(view: CheckoutView) -> dict[str, Any]:
    card = {"brand": view.card_brand, "last4": view.card_last4} if view.card_last4 else None
    return {
        **checkout_json(view),
        "lastPaymentError": view.payment_error,
        "orderID": view.order_id,
        "card": card,
        "shortLines": [short.as_details() for short in view.short_lines],
        "message": view.message,
    }


def line_json(line: PricedLine) -> dict[str, Any]:
    return {
        "itemID": line.item_id,
        "name": line.name,
        "quantity": line.quantity,
        "unitPrice": line.unit_price,
    }


# --- input --------------------------------------------------------------------------


def _parse_op(raw: str | None) -> Op:
    if not raw:
        raise BadRequest(f"Say what to do with ?op= ({OPS}).")
    try:
        return Op(raw.upper())
    except ValueError:
        raise BadRequest(f"op must be one of {OPS}, got {raw[:20]!r}.") from None


def _optional_json_object() -> dict[str, Any]:
    """BEGIN's body may be empty (then the shopper's cart is used); if sent, it must be JSON."""
    if not request.get_data(cache=True).strip():
        return {}
    return read_json_object()


def _lines_from_body(payload: dict[str, Any]) -> list[Line] | None:
    cart = payload.get("cart")
    if cart is None:
        return None
    if not isinstance(cart, list):
        raise BadRequest('cart must be a list like [{"itemID": 1, "quantity": 2}].')
    if not cart:
        raise BadRequest("cart is empty: list at least one {itemID, quantity}.")
    if len(cart) > MAX_CHECKOUT_LINES:
        raise BadRequest(f"A checkout holds at most {MAX_CHECKOUT_LINES} lines.")
    lines = [_line(entry, index) for index, entry in enumerate(cart)]
    try:
        return normalise_lines(lines)
    except InvalidCart as error:
        raise BadRequest(f"cart: {error}.") from None


def _line(entry: Any, index: int) -> Line:
    where = f"cart[{index}]"
    if not isinstance(entry, dict):
        raise BadRequest(f'{where} must be an object like {{"itemID": 1, "quantity": 2}}.')
    values = []
    for field in ("itemID", "quantity"):
        value = entry.get(field)
        if value is None:
            raise BadRequest(f"{where}.{field} is required.")
        if type(value) is not int:  # not a bool, not 2.0, not "2"
            raise BadRequest(f"{where}.{field} must be a whole number.")
        values.append(value)
    item_id, quantity = values
    if not 1 <= item_id <= MAX_ITEM_ID:
        raise BadRequest(f"{where}.itemID must be a positive item id.")
    if not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise BadRequest(f"{where}.quantity must be between 1 and {MAX_LINE_QUANTITY}.")
    return Line(item_id, quantity)


def _informational_cart(cart: Any) -> None:
    """CANCEL's `{cart}` names what the shopper is giving up; the open checkout is what goes."""
    if not isinstance(cart, list):
        raise BadRequest('cart must be a list like [{"itemID": 1, "quantity": 2}].')
    if len(cart) > MAX_CHECKOUT_LINES:
        raise BadRequest(f"A checkout holds at most {MAX_CHECKOUT_LINES} lines.")
    for index, entry in enumerate(cart):
        _line(entry, index)


def _ticket_id_from_body(payload: dict[str, Any]) -> str | None:
    value = payload.get("ticketID")
    if value is None:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= 100:
        raise BadRequest("ticketID must be the string BEGIN answered with (202).")
    return value


def _valid_id(checkout_id: str) -> str:
    if not CHECKOUT_ID_PATTERN.fullmatch(checkout_id):
        raise CheckoutNotFound()
    return checkout_id
