"""The address book over JSON: `/api/v1/addresses` (the bearer token's own addresses).

    GET    /api/v1/addresses         {addresses: [Address]} (the last used first)
    POST   /api/v1/addresses         {name, line1, line2?, city, postalCode, country} -> 201 Address
    GET    /api/v1/addresses/<id>    Address
    PUT    /api/v1/addresses/<id>    the whole address again -> Address
    DELETE /api/v1/addresses/<id>    204

Address = {addressID, name, line1, line2, city, postalCode, country, lastUsedAt}; the
country comes back as its ISO 3166 alpha-2 code whatever was sent ("Germany" -> "DE").
An address we cannot deliver to is a 422 with a message per field under
`error.fields`; another shopper's address is a 404; a full book (20) is a 409; too
many changes in a row a 429 (web/account/use_cases.py).
"""

from __future__ import annotations

from datetime import UTC

from flask import Blueprint, Response, make_response

from db.postgres.addresses import AddressRecord
from domain.refusals import RefusalKind
from web.account.use_cases import (
    add_address,
    address_book,
    forget_address,
    replace_address,
    saved_address,
)
from web.current_user import api_login_required, current_user_id
from web.headers import keep_private
from web.json_io import private_json, read_json_object
from web.limits import abuse_limits
from web.refusals import Refused, refused_json
from web.services import services

bp = Blueprint("api_addresses", __name__, url_prefix="/api/v1/addresses")
keep_private(bp)


def address_json(record: AddressRecord) -> dict:
    return {
        "addressID": record.id,
        **record.fields(),
        "lastUsedAt": (
            record.last_used_at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
            if record.last_used_at
            else None
        ),
    }


@bp.get("")
@api_login_required
def list_() -> Response:
    records = address_book(services().addresses, current_user_id())
    return private_json({"addresses": [address_json(a) for a in records]})


@bp.post("")
@api_login_required
def create() -> Response:
    payload = read_json_object()
    outcome = add_address(services().addresses, abuse_limits(), current_user_id(), payload)
    if isinstance(outcome, Refused):
        return refused_json(outcome)
    response = private_json(address_json(outcome), 201)
    response.headers["Location"] = f"{bp.url_prefix}/{outcome.id}"
    return response


@bp.get("/<address_id>")
@api_login_required
def show(address_id: str) -> Response:
    return _answer(address_id, saved_address(services().addresses, current_user_id(), address_id))


@bp.put("/<address_id>")
@api_login_required
def replace(address_id: str) -> Response:
    # An unknown id is a 404 before the body is even read.
    found = saved_address(services().addresses, current_user_id(), address_id)
    if isinstance(found, Refused):
        return _answer(address_id, found)
    payload = read_json_object()
    outcome = replace_address(
        services().addresses, abuse_limits(), current_user_id(), address_id, payload
    )
    return _answer(address_id, outcome)


@bp.delete("/<address_id>")
@api_login_required
def remove(address_id: str) -> Response:
    outcome = forget_address(services().addresses, abuse_limits(), current_user_id(), address_id)
    if isinstance(outcome, Refused):
        return _answer(address_id, outcome)
    return make_response("", 204)  # keep_private marks it no-store


def _answer(raw_id: str, outcome: AddressRecord | Refused) -> Response:
    if isinstance(outcome, Refused):
        if outcome.kind is RefusalKind.NOT_FOUND:  # say which id, as the client sent it
            outcome = Refused(
                RefusalKind.NOT_FOUND, f"No address {raw_id[:40]!r} in your address book."
            )
        return refused_json(outcome)
    return private_json(address_json(outcome))
