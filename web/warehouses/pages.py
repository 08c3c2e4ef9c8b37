"""The warehouse portal in the browser (warehouse workers, operators, admins): /warehouses and /warehouses/<id>.

The portal page shows the warehouse's queue: suborders waiting to ship (oldest first,
new arrivals marked) and those shipped and awaiting delivery. The queue fragment is
re-read every 5 s (`hx-trigger="every 5s"` on its wrapper, which keeps polling even
after a failed poll), so new suborders appear without a reload. Ship and
Deliver post with htmx and swap their row for the updated one; restock posts its form
and swaps the restock box with the outcome, and so does the correction box (units off
the shelf with a reason, and the latest corrections). Without JavaScript every form posts and
the whole page comes back. Shoppers get 403; anonymous visitors go to the login page;
a warehouse the account does not work in is a 404 (domain/roles.py).
"""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, redirect, request, url_for
from werkzeug.exceptions import NotFound

from db.postgres.restock import MAX_RESTOCK_QUANTITY
from domain.refusals import RefusalKind
from domain.roles import Access, Permission
from domain.stock import MAX_CORRECTION_NOTE, CorrectionReason
from web.current_user import current_user, current_user_id, permission_required
from web.headers import keep_private
from web.refusals import Refused
from web.rendering import render, wants_fragment
from web.services import services
from web.suborder_reads import SuborderRow
from web.warehouses import corrections, parsing
from web.warehouses.use_cases import (
    ALREADY_RECORDED,
    SEARCH_CACHE_NOTE,
    SEARCH_NOT_UPDATED,
    PortalView,
    Restocked,
    WarehousePortal,
)

bp = Blueprint("warehouses", __name__, url_prefix="/warehouses")
keep_private(bp)
staff_only = permission_required(Permission.WAREHOUSE_PORTAL)

POLL_SECONDS = 5
SUBORDER_ROW = "warehouses/partials/suborder_row.html"
RESTOCK_BOX = "warehouses/partials/restock.html"
QUEUE = "warehouses/partials/queue.html"
CORRECT_BOX = "warehouses/partials/correct.html"


@bp.get("")
@staff_only
def index() -> Response:
    warehouses = _portal().warehouses(_access())
    return render("warehouses/index.html", "warehouses/partials/list.html", warehouses=warehouses)


@bp.get("/<warehouse_id>")
@staff_only
def show(warehouse_id: str) -> Response:
    return _page(warehouse_id, QUEUE)


@bp.get("/<warehouse_id>/queue")
@staff_only
def queue(warehouse_id: str) -> Response:
    """The polled fragment (a whole page for a plain GET)."""
    return _page(warehouse_id, QUEUE)


@bp.post("/<warehouse_id>/suborders/<suborder_id>/ship")
@staff_only
def ship(warehouse_id: str, suborder_id: str) -> Response:
    row = _portal().ship(_access(), parsing.parse_warehouse_id(warehouse_id), suborder_id)
    return _after_action(warehouse_id, row, "Marked shipped.")


@bp.post("/<warehouse_id>/suborders/<suborder_id>/deliver")
@staff_only
def deliver(warehouse_id: str, suborder_id: str) -> Response:
    row = _portal().deliver(_access(), parsing.parse_warehouse_id(warehouse_id), suborder_id)
    return _after_action(warehouse_id, row, "Marked delivered.")


@bp.post("/<warehouse_id>/restock")
@staff_only
def restock(warehouse_id: str) -> Response:
    form = {key: request.form.get(key, "") for key in ("item_id", "quantity")}
    entry = parsing.restock_form(request.form)
    if isinstance(entry, str):
        return _page(warehouse_id, RESTOCK_BOX, status=400, restock_error=entry, form=form)
    warehouse = parsing.parse_warehouse_id(warehouse_id)
    outcome = _portal().restock(_access(), warehouse, entry.item_id, entry.quantity, key=entry.key)
    if isinstance(outcome, Refused):
        _not_found(outcome)
        return _page(
            warehouse_id, RESTOCK_BOX, status=outcome.status,
            restock_error=outcome.message, form=form,
        )  # fmt: skip
    return _page(warehouse_id, RESTOCK_BOX, **_restocked(outcome))


def _restocked(outcome: Restocked) -> dict[str, object]:
    """What the restock box says after a restock: replayed or not, and when search shows it."""
    ttl = services().settings.search_cache_ttl_seconds
    search_note = (
        SEARCH_CACHE_NOTE.format(ttl=ttl) if outcome.search_updated else SEARCH_NOT_UPDATED
    )
    return {
        "restocked": outcome.result,
        "already_recorded": ALREADY_RECORDED if outcome.result.replayed else None,
        "search_note": search_note,
    }


@bp.post("/<warehouse_id>/corrections")
@staff_only
def correct(warehouse_id: str) -> Response:
    """Units off the shelf with a reason (docs/staff.md); refusals say how many may go."""
    form = {key: request.form.get(key, "") for key in ("item_id", "units", "reason", "note")}
    item_id = parsing.form_number(form["item_id"], "item number")
    units = parsing.form_number(form["units"], "number of units to remove")
    key = parsing.form_key(request.form.get("idempotency_key", ""))
    if isinstance(item_id, str) or isinstance(units, str):
        error = item_id if isinstance(item_id, str) else units
        return _page(warehouse_id, CORRECT_BOX, status=400, correct_error=error, correct_form=form)
    outcome = corrections.correct_down(
        _portal(),
        _access(), parsing.parse_warehouse_id(warehouse_id), item_id, units,
        reason=form["reason"], note=form["note"].strip(), user_id=current_user_id(), key=key,
    )  # fmt: skip
    if isinstance(outcome, Refused):
        _not_found(outcome)
        return _page(
            warehouse_id, CORRECT_BOX, status=outcome.status,
            correct_error=outcome.message, correct_form=form,
        )  # fmt: skip
    return _page(warehouse_id, CORRECT_BOX, corrected=outcome.correction)


def _after_action(warehouse_id: str, row: SuborderRow | Refused, done: str) -> Response:
    if isinstance(row, Refused):
        _not_found(row)
        return _page(
            warehouse_id, SUBORDER_ROW, status=row.status,
            row=row.details.get("row"), row_error=row.message, notice=row.message,
        )  # fmt: skip
    if not wants_fragment():  # a plain form post: back to the page, so a reload is harmless
        return redirect(url_for("warehouses.show", warehouse_id=row.warehouse_id), code=303)
    return _page(warehouse_id, SUBORDER_ROW, row=row, row_notice=done)


def _page(warehouse_id: str, fragment: str, *, status: int = 200, **context) -> Response:
    """The portal page, or just `fragment` for htmx; the queue is read only when shown."""
    view = _portal().portal(
        _access(),
        parsing.parse_warehouse_id(warehouse_id),
        with_queue=not wants_fragment() or fragment == QUEUE,
    )
    _not_found(view)
    assert isinstance(view, PortalView)
    context.setdefault("form", {})
    # Every rendered restock form carries a fresh key: a double click or a re-sent form
    # posts the same key and adds the units once (db/postgres/restock.py).
    context.setdefault("restock_key", uuid.uuid4().hex)
    context.setdefault("correct_key", uuid.uuid4().hex)
    context.setdefault("correct_form", {})
    if not wants_fragment() or fragment == CORRECT_BOX:
        recent = corrections.corrections(_portal(), _access(), view.warehouse.id)
        context["corrections"] = [] if isinstance(recent, Refused) else recent
    return render(
        "warehouses/show.html",
        fragment,
        status=status,
        warehouse=view.warehouse,
        queue=view.queue,
        new_ids=view.new_ids,
        shipped=view.shipped,
        poll_seconds=POLL_SECONDS,
        max_restock=MAX_RESTOCK_QUANTITY,
        correction_reasons=list(CorrectionReason),
        max_note=MAX_CORRECTION_NOTE,
        **context,
    )


def _not_found(outcome: object) -> None:
    if isinstance(outcome, Refused) and outcome.kind is RefusalKind.NOT_FOUND:
        raise NotFound(description=outcome.message)


def _portal() -> WarehousePortal:
    return services().warehouses


def _access() -> Access:
    user = current_user()
    assert user is not None, "behind @permission_required"
    return user.access
