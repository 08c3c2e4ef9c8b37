"""Reading JSON bodies strictly and answering with JSON, for the /api/v1 resources.

`read_json_object()` refuses anything but a JSON object (malformed JSON, a list, a
bare string...) with a 400 that says what was wrong; `require_int` / `require_str`
refuse missing fields and wrong types (a bool is not a number here, nor is 2.0 or "2").
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from web import input_guard
from web.errors import BadRequest
from web.headers import PRIVATE


def read_json_object() -> dict[str, Any]:
    body = request.get_data(cache=True)
    if not body.strip():
        raise BadRequest("Send a JSON object in the request body.")
    try:
        payload = input_guard.loads(body)
    except input_guard.TooDeep:
        raise BadRequest(
            f"The request body nests deeper than {input_guard.MAX_JSON_DEPTH} levels."
        ) from None
    except ValueError:  # also bytes that aren't UTF-8
        raise BadRequest("The request body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise BadRequest(
            'The request body must be a JSON object, like {"itemID": 1, "quantity": 2}.'
        )
    if any(input_guard.has_control_characters(text) for text in input_guard.strings_in(payload)):
        raise BadRequest(
            "The request body contains characters we can't accept (control characters such as NUL)."
        )
    return payload


def require_int(payload: dict[str, Any], field: str) -> int:
    if field not in payload or payload[field] is None:
        raise BadRequest(f"{field} is required.")
    value = payload[field]
    if type(value) is not int:  # excludes bool, float, str
        raise BadRequest(f"{field} must be a whole number, got {_json_type(value)}.")
    return value


def require_str(payload: dict[str, Any], field: str) -> str:
    if field not in payload or payload[field] is None:
        raise BadRequest(f"{field} is required.")
    value = payload[field]
    if not isinstance(value, str):
        raise BadRequest(f"{field} must be a string, got {_json_type(value)}.")
    return value


def private_json(payload: Any, status: int = 200) -> Response:
    """JSON about one shopper (cart, account): never stored by any cache."""
    response = jsonify(payload)
    response.status_code = status
    response.headers["Cache-Control"] = PRIVATE
    return response


def api_error(status: int, code: str, message: str, **details: Any) -> Response:
    """The same `{"error": {...}}` shape as web/errors.py, with extra fields a client can use."""
    return private_json({"error": {"code": code, "message": message, **details}}, status)


def address_json(address: dict[str, Any]) -> dict[str, Any]:
    """A stored shipping address (snake_case, as checkout saved it) in the API's shape."""
    return {
        "name": address.get("name"),
        "line1": address.get("line1"),
        "line2": address.get("line2") or None,
        "city": address.get("city"),
        "postalCode": address.get("postal_code"),
        "country": address.get("country"),
    }


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, float):
        return "a decimal number"  # 2.0 too: JSON clients should send 2
    if isinstance(value, int):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null"
