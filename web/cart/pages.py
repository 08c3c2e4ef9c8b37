"""Cart pages: /cart, add from an item page or a search result, change or remove a line.

Every change answers with the fragment it changed (the add box, the search card's buy
area, or the whole cart) plus `HX-Trigger: cart-changed`, which makes the header badge
refresh itself. Without JavaScript the same forms post and redirect (303) to /cart.
A refused change (not enough stock, bad quantity) re-renders the same fragment with
the reason and a 4xx status; nothing is written.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request, url_for
from htmx_flask import make_response as htmx_response

from db.postgres.carts import CartView, UnknownItem
from domain.cart_rules import MAX_QUANTITY_PER_LINE, CartError, CartOp, InvalidQuantity
from web.cart_operations import cart_of, change_cart, parse_form_quantity, units_in_cart
from web.current_user import (
    current_user,
    current_user_id,
    login_required,
    viewer_for_templates,
)
from web.headers import keep_private
from web.item_reads import ItemDetails, find_item, parse_item_id
from web.rendering import render, wants_fragment
from web.services import services

bp = Blueprint("cart", __name__, url_prefix="/cart")
keep_private(bp)

CART_CHANGED = "cart-changed"


@bp.app_template_global("cart_units")
def cart_units() -> int | None:
    user = viewer_for_templates()
    return units_in_cart(user.id) if user else 0


@bp.app_template_global("max_quantity_per_line")
def max_quantity_per_line() -> int:
    return MAX_QUANTITY_PER_LINE


@bp.get("")
@login_required
def show() -> Response:
    return _cart_page(cart_of(current_user_id()))


@bp.get("/lines/<int:item_id>/warning")
@login_required
def line_warning(item_id: int) -> Response:
    """One line's stock warning, fetched again by the cart page when the stock moves."""
    cart = cart_of(current_user_id())
    line = next((line for line in cart.lines if line.item_id == item_id), None)
    return render("cart/partials/line_warning.html", "cart/partials/line_warning.html", line=line)


@bp.get("/badge")
def badge() -> Response:
    user = current_user()
    units = units_in_cart(user.id) if user else 0
    return render("cart/partials/badge.html", "cart/partials/badge.html", units=units)


@bp.post("/add")
@login_required
def add() -> Response:
    item_id = parse_item_id(request.form.get("item_id", ""))
    compact = request.form.get("compact") == "1"  # the small button on a search result
    item = find_item_or_404(item_id)
    try:
        quantity = parse_form_quantity(request.form.get("quantity", "1"))
        change, _ = change_cart(current_user_id(), item_id, CartOp.ADD, quantity)
    except CartError as exc:
        return _add_box(item, compact, status=_status(exc), error=exc.message)
    except UnknownItem:  # deleted from the catalogue a moment ago
        abort(404, description="We couldn't find that item.")
    if not wants_fragment():
        return redirect(url_for("cart.show"), code=303)
    added = change.after - change.before
    return htmx_response(
        _add_box(item, compact, added=added, in_cart=change.after), trigger=CART_CHANGED
    )


@bp.post("/lines/<int:item_id>")
@login_required
def set_quantity(item_id: int) -> Response:
    try:
        quantity = parse_form_quantity(request.form.get("quantity"))
        return _changed(item_id, CartOp.SET, quantity)
    except CartError as exc:
        return _cart_page(
            cart_of(current_user_id()), status=_status(exc), errors={item_id: exc.message}
        )


@bp.post("/lines/<int:item_id>/remove")
@login_required
def remove(item_id: int) -> Response:
    return _changed(item_id, CartOp.SET, 0)


def _changed(item_id: int, op: CartOp, quantity: int) -> Response:
    try:
        _, cart = change_cart(current_user_id(), item_id, op, quantity)
    except UnknownItem:
        abort(404, description="That item is no longer in the catalogue.")
    if not wants_fragment():
        return redirect(url_for("cart.show"), code=303)
    return htmx_response(_cart_page(cart), trigger=CART_CHANGED)


def _cart_page(
    cart: CartView, *, status: int = 200, errors: dict[int, str] | None = None
) -> Response:
    return render(
        "cart/show.html", "cart/partials/cart.html", status=status, cart=cart, errors=errors or {}
    )


def _add_box(item: ItemDetails, compact: bool, *, status: int = 200, **context) -> Response:
    if compact:
        return render(
            "items/show.html", "cart/partials/card_add.html", status=status, item=item, **context
        )
    return render(
        "items/show.html", "cart/partials/add_form.html", status=status, item=item, **context
    )


def find_item_or_404(item_id: int) -> ItemDetails:
    item = find_item(services().sessions, item_id)
    if item is None:
        abort(404, description="We couldn't find that item.")
    return item


def _status(error: CartError) -> int:
    return 400 if isinstance(error, InvalidQuantity) else 409
