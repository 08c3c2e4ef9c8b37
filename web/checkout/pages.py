"""Checkout pages: begin from the cart, the checkout page with its countdown and payment
form, pay (and place the order in the same round trip), cancel.

    POST /checkout                        begin with the cart -> /checkout/<id>
                                          (a waiting room: -> /checkout/waiting/<ticketID>)
    GET  /checkout/<id>                   lines, total, countdown, payment form, cancel
    GET  /checkout/<id>/payment           the payment form (fragment for htmx)
    POST /checkout/<id>/payment           pay_and_submit -> /orders/<orderID>?placed=1
    POST /checkout/<id>/submit            place an order already paid (e.g. through the API)
    POST /checkout/<id>/cancel            give the stock back now

htmx posts swap the fragment in place and successes move on with HX-Redirect; without
JavaScript the same forms post and redirect (303). Another shopper's checkout is a 404.
Each handler calls one use case of web/checkout/use_cases.py and only translates its
outcome; statuses come from web/refusals.py.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, request, url_for
from htmx_flask import make_response as htmx_response

from domain.checkout import BUSY, CheckoutStatus
from domain.refusals import RefusalKind
from web.address_book import chosen_address, remember_address
from web.cart_operations import cart_of
from web.checkout import use_cases
from web.checkout.adapters import checkout_ports
from web.checkout.operations import ENDED_MESSAGES, seconds_left, short_line_messages
from web.checkout_errors import CheckoutNotFound
from web.current_user import current_user_id, login_required
from web.formatting import now_iso, utc_iso
from web.headers import keep_private
from web.payment_input import PaymentInputError, form_echo, from_form
from web.refusals import Refused, status_of, with_retry_after
from web.rendering import render, wants_fragment
from workflows.checkout_messages import CheckoutView

bp = Blueprint("checkout", __name__, url_prefix="/checkout")
keep_private(bp)

S = CheckoutStatus


@bp.post("")
@login_required
def begin() -> Response:
    outcome = use_cases.begin(checkout_ports(), current_user_id())
    if isinstance(outcome, use_cases.Held):
        return _go(url_for("checkout.show", checkout_id=outcome.view.checkout_id))
    if isinstance(outcome, use_cases.Queued):
        return _go(url_for("waiting_room.show", ticket_id=outcome.place.ticket.ticket_id))
    if outcome.kind is RefusalKind.CHECKOUT_OUT_OF_STOCK:
        return _cart(
            status=status_of(outcome.refusal),
            errors=short_line_messages(outcome.details["lines"]),
            checkout_error="Some items ran out since you added them. Nothing is held: "
            "change the quantities below, then begin checkout again.",
        )
    response = _cart(status=status_of(outcome.refusal), checkout_error=outcome.message)
    return with_retry_after(response, outcome.retry_after)


@bp.get("/<checkout_id>")
@login_required
def show(checkout_id: str) -> Response:
    view = _state(checkout_id)
    if view.status is S.SUBMITTED and view.order_id:
        return _go(_order_url(view.order_id))
    return _checkout(view)


@bp.get("/<checkout_id>/payment")
@login_required
def payment_form(checkout_id: str) -> Response:
    view = _state(checkout_id)
    if view.status is not S.RESERVED:
        return _checkout(view)  # nothing to pay (any more): show where it stands
    return render("checkout/show.html", "checkout/partials/payment_form.html", **_context(view))


@bp.post("/<checkout_id>/payment")
@login_required
def pay(checkout_id: str) -> Response:
    user_id, checkout_id = current_user_id(), _known_id(checkout_id)
    values = form_echo(request.form)
    saved = chosen_address(user_id, request.form.get("address_id"))
    try:
        entered = from_form(request.form, saved_address=saved.fields() if saved else None)
    except PaymentInputError as error:
        return _payment_refused(checkout_id, error.message, error.status, values, error.fields)
    outcome = use_cases.pay(checkout_ports(), user_id, checkout_id, entered, place_order=True)
    if not (isinstance(outcome, use_cases.Paid) and outcome.result.order_id):
        return _not_placed(checkout_id, outcome, values)
    remember_address(user_id, saved, entered, save_new=bool(request.form.get("save_address")))
    return _go(_order_url(outcome.result.order_id, placed=True))


def _not_placed(checkout_id: str, outcome: use_cases.PayOutcome, values) -> Response:
    if isinstance(outcome, use_cases.BadCard):
        return _payment_refused(checkout_id, outcome.message, 422, values)
    if isinstance(outcome, use_cases.Declined):
        status = 503 if outcome.unavailable else 402
        return _payment_refused(checkout_id, outcome.message, status, values)
    if isinstance(outcome, Refused):
        return _refused(checkout_id, outcome, values)
    return _whole_checkout(checkout_id, notice="The order was not placed.", status=409)


@bp.post("/<checkout_id>/submit")
@login_required
def submit(checkout_id: str) -> Response:
    outcome = use_cases.submit(checkout_ports(), current_user_id(), _known_id(checkout_id))
    if isinstance(outcome, Refused):
        return _refused(checkout_id, outcome)
    return _go(_order_url(outcome.result.order_id, placed=True))


@bp.post("/<checkout_id>/cancel")
@login_required
def cancel(checkout_id: str) -> Response:
    outcome = use_cases.cancel(checkout_ports(), current_user_id(), _known_id(checkout_id))
    if isinstance(outcome, Refused):
        return _refused(checkout_id, outcome)
    if not wants_fragment():
        return redirect(url_for("checkout.show", checkout_id=checkout_id), code=303)
    return _checkout(outcome.view)


# --- answers ------------------------------------------------------------------------


def _checkout(view: CheckoutView, *, status: int = 200, **extra: Any) -> Response:
    return render(
        "checkout/show.html",
        "checkout/partials/checkout.html",
        status=status,
        **_context(view),
        **extra,
    )


def _refused(checkout_id: str, outcome: Refused, values: dict | None = None) -> Response:
    """A refusal about what was typed re-shows the form; any other, the whole checkout."""
    status = status_of(outcome.refusal)
    if values is not None and (
        outcome.kind is RefusalKind.INVALID_ADDRESS or outcome.retry_after is not None
    ):
        response = _payment_refused(checkout_id, outcome.message, status, values)
        return with_retry_after(response, outcome.retry_after)
    return _whole_checkout(checkout_id, notice=outcome.message, status=status)


def _whole_checkout(checkout_id: str, *, notice: str, status: int) -> Response:
    """The checkout as it now stands with a notice, swapped over the whole section."""
    response = _checkout(_state(checkout_id), status=status, notice=notice)
    return htmx_response(response, retarget="#checkout", reswap="outerHTML")


def _payment_refused(
    checkout_id: str,
    message: str,
    status: int,
    values: dict,
    field_errors: dict | None = None,
) -> Response:
    """The payment form again, with the reason and what the shopper typed (never the card)."""
    extra = {"form_error": message, "values": values, "field_errors": field_errors or {}}
    if wants_fragment():  # the form swaps itself: no need to ask the workflow anything
        return render(
            "checkout/show.html",
            "checkout/partials/payment_form.html",
            status=status,
            checkout_id=checkout_id,
            **extra,
        )
    view = _state(checkout_id)
    return _checkout(view, status=status, **extra)


def _context(view: CheckoutView) -> dict[str, Any]:
    return {
        "view": view,
        "checkout_id": view.checkout_id,
        "holding": view.status.holds_stock,
        "busy": view.status in BUSY,
        "expires_at": utc_iso(view.expires_at),
        "server_now": now_iso(),
        "seconds_left": seconds_left(view),
        "ended_message": ENDED_MESSAGES.get(view.status) or view.message,
    }


def _cart(*, status: int, errors: dict[int, str] | None = None, checkout_error: str) -> Response:
    return render(
        "cart/show.html",
        "cart/partials/cart.html",
        status=status,
        cart=cart_of(current_user_id()),
        errors=errors or {},
        checkout_error=checkout_error,
    )


def _go(url: str) -> Response:
    """Move the browser on: HX-Redirect for htmx (a full page load), else a 303."""
    if request.htmx:
        return htmx_response("", 200, redirect=url)
    return redirect(url, code=303)


def _order_url(order_id: str, *, placed: bool = False) -> str:
    return url_for("orders.show", order_id=order_id, placed=1 if placed else None)


def _state(checkout_id: str) -> CheckoutView:
    return use_cases.read(checkout_ports(), current_user_id(), _known_id(checkout_id))


def _known_id(checkout_id: str) -> str:
    if len(checkout_id) != 32 or any(c not in "0123456789abcdef" for c in checkout_id):
        raise CheckoutNotFound()
    return checkout_id
