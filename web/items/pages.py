"""The item page, and its stock badge as a fragment of its own (for live updates)."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from web.rendering import render
from web.services import services

bp = Blueprint("items", __name__, url_prefix="/items")


@bp.get("/<int:item_id>")
def show(item_id: int) -> Response:
    item = services().items.find(item_id)
    if item is None:
        abort(404, description="We couldn't find that item.")
    return render("items/show.html", "items/partials/details.html", item=item)


@bp.get("/<int:item_id>/buy")
def buy(item_id: int) -> Response:
    """The Add to cart box, or "sold out": fetched again when availability flips."""
    item = services().items.find(item_id)
    if item is None:
        abort(404, description="We couldn't find that item.")
    response = render("items/partials/buy.html", "items/partials/buy.html", item=item)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:item_id>/stock")
def stock(item_id: int) -> Response:
    units = services().items.stock(item_id)
    if units is None:
        abort(404, description="We couldn't find that item.")
    response = render(
        "items/partials/stock.html", "items/partials/stock.html", item_id=item_id, stock=units
    )
    response.headers["Cache-Control"] = "no-store"  # live by definition
    return response
