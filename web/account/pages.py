"""The account page and its address book, in the browser.

    GET  /account                          the address book (+ the sessions section)
    POST /account/addresses                add an address
    GET  /account/addresses/<id>/edit      the form for one address
    POST /account/addresses/<id>           save changes
    POST /account/addresses/<id>/delete    delete it

Forms post in place with htmx (the book comes back as a fragment) and work without
JavaScript (303 back to /account). A bad address comes back with a message on each
wrong field (422); another shopper's address is a 404; too many changes a 429. The
decisions are web/account/use_cases.py's; this module only renders them.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, request, url_for

from db.postgres.addresses import MAX_ADDRESSES, AddressRecord
from domain.refusals import RefusalKind
from web.account.use_cases import (
    add_address,
    address_book,
    forget_address,
    replace_address,
    saved_address,
)
from web.current_user import current_user, current_user_id, login_required
from web.headers import keep_private
from web.limits import abuse_limits
from web.refusals import Refused, status_of
from web.rendering import render, wants_fragment
from web.services import services

bp = Blueprint("account", __name__, url_prefix="/account")
keep_private(bp)

# The form's field names are the API's (name, line1, line2, city, postalCode, country).
FORM_FIELDS = ("name", "line1", "line2", "city", "postalCode", "country")


@bp.app_template_global("saved_addresses")
def saved_addresses() -> list:
    """The signed-in shopper's address book, the last used first (the payment page)."""
    user = current_user()
    return address_book(services().addresses, user.id) if user else []


@bp.get("")
@login_required
def index() -> Response:
    return _book()


@bp.post("/addresses")
@login_required
def add() -> Response:
    values = _form_values()
    outcome = add_address(services().addresses, abuse_limits(), current_user_id(), values)
    if isinstance(outcome, Refused):
        return _refused(outcome, values=values)
    return _done(notice="Address saved.")


@bp.get("/addresses/<address_id>/edit")
@login_required
def edit(address_id: str) -> Response:
    record = _owned(address_id)
    return _book(editing=record.id, values=record.fields())


@bp.post("/addresses/<address_id>")
@login_required
def update(address_id: str) -> Response:
    values = _form_values()
    outcome = replace_address(
        services().addresses, abuse_limits(), current_user_id(), address_id, values
    )
    if isinstance(outcome, Refused):
        return _refused(outcome, values=values, editing=_owned(address_id).id)
    return _done(notice="Address updated.")


@bp.post("/addresses/<address_id>/delete")
@login_required
def delete(address_id: str) -> Response:
    outcome = forget_address(services().addresses, abuse_limits(), current_user_id(), address_id)
    if isinstance(outcome, Refused):
        return _refused(outcome)
    return _done(notice="Address deleted.")


def _refused(refused: Refused, **context: Any) -> Response:
    if refused.kind is RefusalKind.NOT_FOUND:
        abort(404, description=refused.message)
    errors = refused.details.get("fields") or {"form": refused.message}
    return _book(status=status_of(refused), errors=errors, **context)


def _book(status: int = 200, **context: Any) -> Response:
    context.setdefault("values", {})
    context.setdefault("errors", {})
    context.setdefault("editing", None)
    return render(
        "account/index.html",
        "account/partials/address_book.html",
        status=status,
        addresses=address_book(services().addresses, current_user_id()),
        max_addresses=MAX_ADDRESSES,
        **context,
    )


def _done(*, notice: str) -> Response:
    if wants_fragment():
        return _book(notice=notice)
    return redirect(url_for("account.index"), code=303)


def _owned(raw_id: str) -> AddressRecord:
    record = saved_address(services().addresses, current_user_id(), raw_id)
    if isinstance(record, Refused):
        abort(404, description=record.message)
    return record


def _form_values() -> dict[str, str]:
    return {name: (request.form.get(name) or "")[:400] for name in FORM_FIELDS}
