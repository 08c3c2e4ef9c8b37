"""Return pages (docs/returns.md): the order page's returns part, and the portal's list.

    GET  /orders/<orderID>/returns       returns made + the form (the order page loads it)
    POST /orders/<orderID>/returns       pick lines, quantities and a reason
    GET  /warehouses/<id>/returns        a warehouse's authorised returns
    POST /warehouses/<id>/returns/<returnID>/receive   the "Received" button

htmx gets the fragment back with the outcome; without JavaScript a form posts and
redirects (303), or shows the page with the reason and its status.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request, url_for

from domain.roles import Permission
from web.current_user import current_user, current_user_id, login_required, permission_required
from web.headers import keep_private
from web.refusals import Refused, status_of
from web.rendering import render, wants_fragment
from web.returns import parsing
from web.returns.use_cases import (
    awaiting_returns,
    order_returns,
    receive_return,
    request_return,
)
from web.services import services

bp = Blueprint("returns", __name__)
keep_private(bp)
staff_only = permission_required(Permission.WAREHOUSE_PORTAL)


@bp.get("/orders/<order_id>/returns")
@login_required
def for_order(order_id: str) -> Response:
    return _order_part(order_id)


@bp.post("/orders/<order_id>/returns")
@login_required
def create(order_id: str) -> Response:
    asked, reason = parsing.parse_form(request.form)
    s = services()
    made = request_return(s.returns, s.return_workflows, current_user_id(), order_id, asked, reason)
    if isinstance(made, Refused):
        return _order_part(order_id, notice=made.message, status=status_of(made))
    if not wants_fragment():
        return redirect(url_for("returns.for_order", order_id=order_id), code=303)
    numbers = ", ".join(row.return_id for row in made)
    return _order_part(order_id, notice=f"Return {numbers} authorised: we've emailed you.")


@bp.get("/warehouses/<warehouse_id>/returns")
@staff_only
def awaiting(warehouse_id: str, notice: str | None = None, status: int = 200) -> Response:
    listed = awaiting_returns(
        services().returns, _access(), parsing.parse_warehouse_id(warehouse_id)
    )
    if isinstance(listed, Refused):
        abort(404, description=listed.message)
    warehouse, rows = listed
    return render(
        "returns/warehouse.html",
        "returns/partials/awaiting.html",
        status=status,
        warehouse_id=warehouse,
        rows=rows,
        notice=notice,
    )


@bp.post("/warehouses/<warehouse_id>/returns/<return_id>/receive")
@staff_only
def receive(warehouse_id: str, return_id: str) -> Response:
    s = services()
    row = receive_return(
        s.returns,
        s.return_workflows,
        _access(),
        parsing.parse_warehouse_id(warehouse_id),
        return_id,
    )
    if isinstance(row, Refused):
        if status_of(row) == 404:
            abort(404, description=row.message)
        return awaiting(warehouse_id, notice=row.message, status=status_of(row))
    if not wants_fragment():
        return redirect(url_for("returns.awaiting", warehouse_id=warehouse_id), code=303)
    return awaiting(warehouse_id, notice=f"Return {row.return_id} received: refunding it now.")


def _order_part(order_id: str, *, notice: str | None = None, status: int = 200) -> Response:
    shown = order_returns(services().returns, current_user_id(), order_id)
    if isinstance(shown, Refused):
        abort(404, description=shown.message)
    return render(
        "returns/order.html",
        "returns/partials/order.html",
        status=status,
        view=shown,
        notice=notice,
        failed=status >= 400,
    )


def _access():
    user = current_user()
    assert user is not None, "behind @permission_required"
    return user.access
