"""The address book over JSON: `/api/v1/addresses` (the bearer token's own addresses).

    GET    /api/v1/addresses         {addresses: [Address]} (the last used first)
    POST   /api/v1/addresses         {name, line1, line2?, city, postalCode, country} -> 201 Address
    GET    /api/v1/addresses/<id>    Address
    PUT    /api/v1/addresses/<id>    the whole address again -> Address
    DELETE /api/v1/addresses/<id>    204

Address = {addressID, name, line1, line2, city, postalCode, country, lastUsedAt}; the
country comes back as its ISO 3166 alpha-2 code whatever was sent ("Germany" -> "DE").
An address we cannot deliver to is a 422 with a message per field under
`error.fields`; another shopper's address is a 404; a full book (20) is a 409.
"""

from __future__ import annotations

from datetime import UTC

from flask import Blueprint, Response, make_response

from web.address_book import (
    AddressBookFull,
    AddressRecord,
    address_of,
    addresses_of,
    change,
    checked,
    forget,
    parse_address_id,
    save,
)
from web.current_user import api_login_required, current_user_id
from web.headers import keep_private
from web.json_io import api_error, private_json, read_json_object

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
    return private_json({"addresses": [address_json(a) for a in addresses_of(current_user_id())]})


@bp.post("")
@api_login_required
def create() -> Response:
    check = checked(read_json_object())
    if not check.ok:
        return _invalid(check.errors)
    try:
        record = save(current_user_id(), check.address)
    except AddressBookFull as full:
        return api_error(409, "address_book_full", str(full))
    response = private_json(address_json(record), 201)
    response.headers["Location"] = f"{bp.url_prefix}/{record.id}"
    return response


@bp.get("/<address_id>")
@api_login_required
def show(address_id: str) -> Response:
    record = _owned(address_id)
    return private_json(address_json(record)) if record else _not_found(address_id)


@bp.put("/<address_id>")
@api_login_required
def replace(address_id: str) -> Response:
    record = _owned(address_id)
    if record is None:
        return _not_found(address_id)
    check = checked(read_json_object())
    if not check.ok:
        return _invalid(check.errors)
    updated = change(current_user_id(), record.id, check.address)
    return private_json(address_json(updated)) if updated else _not_found(address_id)


@bp.delete("/<address_id>")
@api_login_required
def remove(address_id: str) -> Response:
    record = _owned(address_id)
    if record is None or not forget(current_user_id(), record.id):
        return _not_found(address_id)
    return make_response("", 204)  # keep_private marks it no-store


def _owned(raw_id: str) -> AddressRecord | None:
    address_id = parse_address_id(raw_id)
    return None if address_id is None else address_of(current_user_id(), address_id)


def _invalid(errors: dict[str, str]) -> Response:
    return api_error(422, "invalid_address", " ".join(errors.values()), fields=errors)


def _not_found(raw_id: str) -> Response:
    return api_error(404, "not_found", f"No address {raw_id[:40]!r} in your address book.")
