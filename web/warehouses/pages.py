"""The warehouse portal in the browser (staff only): /warehouses and /warehouses/<id>.

The portal page shows the warehouse's queue: suborders waiting to ship (oldest first,
new arrivals marked) and those shipped and awaiting delivery. The queue fragment is
re-read every 5 s (`hx-trigger="every 5s"` on its wrapper, which keeps polling even
after a failed poll), so new suborders appear without a reload. Ship and
Deliver post with htmx and swap their row for the updated one; restock posts its form
and swaps the restock box with the outcome. Without JavaScript every form posts and
the whole page comes back. Shoppers get 403; anonymous visitors go to the login page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from flask import Blueprint, Response, redirect, request, url_for

from db.postgres.restock import MAX_RESTOCK_QUANTITY
from domain.order import SuborderStatus
from web.current_user import staff_required
from web.headers import keep_private
from web.rendering import render, wants_fragment
from web.services import services
from web.suborder_reads import SuborderRow
from web.warehouses import operations as ops
from web.warehouses import reads
from web.warehouses.reads import WarehouseView

bp = Blueprint("warehouses", __name__, url_prefix="/warehouses")
keep_private(bp)

POLL_SECONDS = 5
SHIPPED_SHOWN = 50  # parcels awaiting delivery listed under the queue


@bp.get("")
@staff_required
def index() -> Response:
    with services().sessions() as session:
        warehouses = reads.list_warehouses(session)
    return render("warehouses/index.html", "warehouses/partials/list.html", warehouses=warehouses)


@bp.get("/<warehouse_id>")
@staff_required
def show(warehouse_id: str) -> Response:
    return _portal(_warehouse(warehouse_id), "warehouses/partials/queue.html")


@bp.get("/<warehouse_id>/queue")
@staff_required
def queue(warehouse_id: str) -> Response:
    """The polled fragment (a whole page for a plain GET)."""
    return _portal(_warehouse(warehouse_id), "warehouses/partials/queue.html")


@bp.post("/<warehouse_id>/suborders/<suborder_id>/ship")
@staff_required
def ship(warehouse_id: str, suborder_id: str) -> Response:
    return _suborder_action(_warehouse(warehouse_id), suborder_id, ops.ship, "Marked shipped.")


@bp.post("/<warehouse_id>/suborders/<suborder_id>/deliver")
@staff_required
def deliver(warehouse_id: str, suborder_id: str) -> Response:
    return _suborder_action(_warehouse(warehouse_id), suborder_id, ops.deliver, "Marked delivered.")


@bp.post("/<warehouse_id>/restock")
@staff_required
def restock(warehouse_id: str) -> Response:
    warehouse = _warehouse(warehouse_id)
    form = {
        "item_id": request.form.get("item_id", ""),
        "quantity": request.form.get("quantity", ""),
    }
    fragment = "warehouses/partials/restock.html"
    try:
        item_id = _form_number(form["item_id"], "item number")
        quantity = _form_number(form["quantity"], "quantity")
        outcome = ops.restock(warehouse.id, item_id, quantity, key=_form_key())
    except ops.PortalRefused as refused:
        return _portal(
            warehouse, fragment, status=refused.status, restock_error=str(refused), form=form
        )
    ttl = services().settings.search_cache_ttl_seconds
    return _portal(
        warehouse,
        fragment,
        restocked=outcome.result,
        already_recorded=ops.ALREADY_RECORDED if outcome.result.replayed else None,
        search_note=ops.SEARCH_CACHE_NOTE.format(ttl=ttl)
        if outcome.search_updated
        else ops.SEARCH_NOT_UPDATED,
    )


def _suborder_action(
    warehouse: WarehouseView,
    suborder_id: str,
    action: Callable[[int, str], SuborderRow],
    done: str,
) -> Response:
    fragment = "warehouses/partials/suborder_row.html"
    try:
        row = action(warehouse.id, suborder_id)
    except ops.PortalRefused as refused:
        row = ops.suborder_or_404(warehouse.id, suborder_id)
        return _portal(
            warehouse,
            fragment,
            status=refused.status,
            row=row,
            row_error=str(refused),
            notice=str(refused),
        )
    if not wants_fragment():  # a plain form post: back to the page, so a reload is harmless
        return redirect(url_for("warehouses.show", warehouse_id=warehouse.id), code=303)
    return _portal(warehouse, fragment, row=row, row_notice=done)


def _portal(warehouse: WarehouseView, fragment: str, *, status: int = 200, **context) -> Response:
    """The portal page, or just `fragment` for htmx; the queue is read only when shown."""
    if not wants_fragment() or fragment.endswith("queue.html"):
        context.update(_queue_context(warehouse))
    context.setdefault("form", {})
    # Every rendered restock form carries a fresh key: a double click or a re-sent form
    # posts the same key and adds the units once (db/postgres/restock.py).
    context.setdefault("restock_key", uuid.uuid4().hex)
    return render(
        "warehouses/show.html",
        fragment,
        status=status,
        warehouse=warehouse,
        poll_seconds=POLL_SECONDS,
        max_restock=MAX_RESTOCK_QUANTITY,
        **context,
    )


def _queue_context(warehouse: WarehouseView) -> dict:
    queue = ops.assigned_queue(warehouse.id)
    with services().sessions() as session:
        shipped = reads.list_suborders(
            session, warehouse.id, SuborderStatus.SHIPPED, limit=SHIPPED_SHOWN
        )
    return {"queue": queue.page, "new_ids": queue.new_ids, "shipped": shipped}


def _warehouse(raw_id: str) -> WarehouseView:
    return ops.warehouse_or_404(reads.parse_warehouse_id(raw_id))


def _form_key() -> str | None:
    key = request.form.get("idempotency_key", "").strip()
    if not key:
        return None  # an old form without the field: a plain restock
    if len(key) > 255 or not key.isprintable():
        raise ops.PortalRefused(400, "bad_request", "The form is damaged; reload the page.")
    return key


def _form_number(raw: str, what: str) -> int:
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise ops.PortalRefused(400, "bad_request", f"Enter the {what} as a whole number.")
    return int(text)
