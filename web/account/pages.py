"""The account page and its address book, in the browser.

    GET  /account                          the address book (+ the sessions section)
    POST /account/addresses                add an address
    GET  /account/addresses/<id>/edit      the form for one address
    POST /account/addresses/<id>           save changes
    POST /account/addresses/<id>/delete    delete it

Forms post in place with htmx (the book comes back as a fragment) and work without
JavaScript (303 back to /account). A bad address comes back with a message on each
wrong field (422); another shopper's address is a 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, request, url_for

from db.postgres.addresses import MAX_ADDRESSES
from web.address_book import (
    AddressBookFull,
    address_of,
    addresses_of,
    change,
    checked,
    forget,
    parse_address_id,
    save,
)
from web.current_user import current_user, current_user_id, login_required
from web.headers import keep_private
from web.rendering import render, wants_fragment

bp = Blueprint("account", __name__, url_prefix="/account")
keep_private(bp)

# The form's field names are the API's (name, line1, line2, city, postalCode, country).
FORM_FIELDS = ("name", "line1", "line2", "city", "postalCode", "country")


@bp.app_template_global("saved_addresses")
def saved_addresses() -> list:
    """The signed-in shopper's address book, the last used first (the payment page)."""
    user = current_user()
    return addresses_of(user.id) if user else []


@bp.get("")
@login_required
def index() -> Response:
    return _book()


@bp.post("/addresses")
@login_required
def add() -> Response:
    values = _form_values()
    check = checked(values)
    if not check.ok:
        return _book(status=422, values=values, errors=check.errors)
    try:
        save(current_user_id(), check.address)
    except AddressBookFull as full:
        return _book(status=409, values=values, errors={"form": str(full)})
    return _done(notice="Address saved.")


@bp.get("/addresses/<address_id>/edit")
@login_required
def edit(address_id: str) -> Response:
    record = _owned(address_id)
    return _book(editing=record.id, values=record.fields())


@bp.post("/addresses/<address_id>")
@login_required
def update(address_id: str) -> Response:
    record = _owned(address_id)
    values = _form_values()
    check = checked(values)
    if not check.ok:
        return _book(status=422, editing=record.id, values=values, errors=check.errors)
    change(current_user_id(), record.id, check.address)
    return _done(notice="Address updated.")


@bp.post("/addresses/<address_id>/delete")
@login_required
def delete(address_id: str) -> Response:
    record = _owned(address_id)
    forget(current_user_id(), record.id)
    return _done(notice="Address deleted.")


def _book(status: int = 200, **context: Any) -> Response:
    context.setdefault("values", {})
    context.setdefault("errors", {})
    context.setdefault("editing", None)
    return render(
        "account/index.html",
        "account/partials/address_book.html",
        status=status,
        addresses=addresses_of(current_user_id()),
        max_addresses=MAX_ADDRESSES,
        **context,
    )


def _done(*, notice: str) -> Response:
    if wants_fragment():
        return _book(notice=notice)
    return redirect(url_for("account.index"), code=303)


def _owned(raw_id: str):
    address_id = parse_address_id(raw_id)
    record = None if address_id is None else address_of(current_user_id(), address_id)
    if record is None:
        abort(404, description="We couldn't find that address in your address book.")
    return record


def _form_values() -> dict[str, str]:
    return {name: (request.form.get(name) or "")[:400] for name in FORM_FIELDS}
