"""Cart pages: /cart, add from an item page or a search result, change or remove a line.

Signed out, the same pages work on a cart kept by the session (web/cart/guest.py),
which moves into the shopper's cart when they sign in (`_carry_over` below).

Every change answers with the fragment it changed (the add box, the search card's buy
area, or the whole cart) plus `HX-Trigger: cart-changed`, which makes the header badge
refresh itself. Without JavaScript the same forms post and redirect (303) to /cart.
A refused change (not enough stock, bad quantity, too many changes) re-renders the
same fragment with the reason and its 4xx status; nothing is written. The decisions
are web/cart/use_cases.py's; this module only renders them.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, flash, g, redirect, request, session, url_for
from htmx_flask import make_response as htmx_response

from db.postgres.carts import CartView
from domain.cart_rules import CartOp, limit_in_force
from domain.refusals import RefusalKind
from web.cart.guest import SessionCart, guest_lines
from web.cart.ports import CartStore
from web.cart.use_cases import (
    cart_line,
    change_cart,
    form_quantity,
    item_to_add,
    merge_guest_cart,
    show_cart,
)
from web.current_user import current_user, viewer_for_templates
from web.headers import keep_private
from web.item_reads import ItemDetails, parse_item_id
from web.limits import abuse_limits
from web.refusals import Refused, status_of
from web.rendering import render, wants_fragment
from web.services import services
from web.sign_in_events import signed_in

bp = Blueprint("cart", __name__, url_prefix="/cart")
keep_private(bp)

CART_CHANGED = "cart-changed"


@bp.app_template_global("cart_units")
def cart_units() -> int | None:
    user = viewer_for_templates()
    return _units(user.id) if user else _carts().units(0)


@bp.app_template_global("max_quantity_per_line")
def max_quantity_per_line() -> int:
    """The limit per line the cart and checkout enforce, for the item page and the cart."""
    return limit_in_force(abuse_limits().max_held_units_per_item)


@bp.record_once
def _listen_for_sign_in(state) -> None:
    signed_in.connect(_carry_over, sender=state.app)


def _carry_over(app: Flask, *, user_id: int, previous: dict) -> None:
    """At sign-in: the signed-out cart's lines join the shopper's cart, capped, with a word."""
    lines = guest_lines(previous)
    if lines:
        limit = abuse_limits().max_held_units_per_item
        merge = merge_guest_cart(services().carts, services().cart_items, limit, user_id, lines)
        for message in merge.messages:
            flash(message, "cart")


@bp.get("")
def show() -> Response:
    return _cart_page(show_cart(_carts(), _owner()))


@bp.get("/lines/<int:item_id>/warning")
def line_warning(item_id: int) -> Response:
    """One line's stock warning, fetched again by the cart page when the stock moves."""
    line = cart_line(_carts(), _owner(), item_id)
    return render("cart/partials/line_warning.html", "cart/partials/line_warning.html", line=line)


@bp.get("/badge")
def badge() -> Response:
    return render("cart/partials/badge.html", "cart/partials/badge.html", units=cart_units())


@bp.post("/add")
def add() -> Response:
    item = item_to_add(services().cart_items, parse_item_id(request.form.get("item_id", "")))
    if isinstance(item, Refused):
        abort(404, description=item.message)
    compact = request.form.get("compact") == "1"  # the small button on a search result
    quantity = form_quantity(request.form.get("quantity", "1"))
    outcome = (
        quantity if isinstance(quantity, Refused) else _change(item.item_id, CartOp.ADD, quantity)
    )
    if isinstance(outcome, Refused):
        if outcome.kind is RefusalKind.NOT_FOUND:  # deleted from the catalogue a moment ago
            abort(404, description="We couldn't find that item.")
        return _add_box(item, compact, status=status_of(outcome), error=outcome.message)
    if not wants_fragment():
        return redirect(url_for("cart.show"), code=303)
    box = _add_box(item, compact, added=outcome.added, in_cart=outcome.change.after)
    return htmx_response(box, trigger=CART_CHANGED)


@bp.post("/lines/<int:item_id>")
def set_quantity(item_id: int) -> Response:
    quantity = form_quantity(request.form.get("quantity"))
    return _changed(item_id, quantity)


@bp.post("/lines/<int:item_id>/remove")
def remove(item_id: int) -> Response:
    return _changed(item_id, 0)


def _changed(item_id: int, quantity: int | Refused) -> Response:
    outcome = quantity if isinstance(quantity, Refused) else _change(item_id, CartOp.SET, quantity)
    if isinstance(outcome, Refused):
        if outcome.kind is RefusalKind.NOT_FOUND:
            abort(404, description="That item is no longer in the catalogue.")
        cart = show_cart(_carts(), _owner())
        return _cart_page(cart, status=status_of(outcome), errors={item_id: outcome.message})
    if not wants_fragment():
        return redirect(url_for("cart.show"), code=303)
    return htmx_response(_cart_page(outcome.cart), trigger=CART_CHANGED)


def _change(item_id: int, op: CartOp, quantity: int):
    guest_key = None if current_user() else f"guest:{request.remote_addr}"
    return change_cart(
        _carts(), abuse_limits(), _owner(), item_id, op, quantity, limit_key=guest_key
    )


def _carts() -> CartStore:
    """The shopper's stored cart, or a signed-out visitor's cart in the session."""
    if current_user() is None:
        return SessionCart(session, services().cart_items)
    return services().carts


def _owner() -> int:
    user = current_user()
    return user.id if user else 0  # a session cart ignores it


def _units(user_id: int) -> int | None:
    """Once per request: the header and the badge fragment may both ask."""
    if "_cart_units" not in g:
        g._cart_units = services().carts.units(user_id)
    return g._cart_units


def _cart_page(
    cart: CartView, *, status: int = 200, errors: dict[int, str] | None = None
) -> Response:
    return render(
        "cart/show.html", "cart/partials/cart.html", status=status, cart=cart, errors=errors or {}
    )


def _add_box(item: ItemDetails, compact: bool, *, status: int = 200, **context) -> Response:
    partial = "cart/partials/card_add.html" if compact else "cart/partials/add_form.html"
    return render("items/show.html", partial, status=status, item=item, **context)
