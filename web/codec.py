"""The codec server for the Temporal Web UI and CLI: Temporal's remote codec protocol.

    POST /codec/decode  {"payloads": [{"metadata": {...}, "data": "<base64>"}]}
    POST /codec/encode  the same shape, the other way (admins only)

Payloads are proto JSON (metadata values and data base64), exactly what the UI sends
and `temporal workflow show -o json` prints. Decoding uses the app's own keys
(PAYLOAD_ENCRYPTION_KEYS), so a staff member sees orders, checkouts and suborders in
clear in the Web UI while Temporal itself stores only ciphertext.

Operators and admins decode; only admins encode, since an encoded payload is one the
worker would accept as the store's own (domain/roles.py). The UI sends the session
cookie (the store and the UI are the same site, so SameSite=Lax lets it through); the
CLI sends a bearer token (`--codec-auth "Bearer <token>"`). Anyone else gets 401/403. CORS answers only the
Web UI's origin (Settings.codec_origins); a payload the store did not seal (another
key, tampered) is a 400, and a plain one passes through unchanged on decode (there is
nothing to hide in it; the worker itself refuses plain payloads, temporal_client.py).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload

import temporal_client
from domain.roles import Permission
from web import input_guard
from web.current_user import bearer_or_session_user
from web.services import services

bp = Blueprint("codec", __name__, url_prefix="/codec")

MAX_PAYLOADS = 1_000
ALLOWED_HEADERS = "Content-Type, X-Namespace, Authorization"


@bp.after_request
def cors(response: Response) -> Response:
    origin = request.headers.get("Origin")
    if origin and origin.rstrip("/") in services().settings.codec_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response.headers["Access-Control-Max-Age"] = "600"
    response.vary.add("Origin")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/decode", methods=["POST", "OPTIONS"])
def decode() -> Response:
    return _run("decode", Permission.DECODE_PAYLOADS)


@bp.route("/encode", methods=["POST", "OPTIONS"])
def encode() -> Response:
    return _run("encode", Permission.ENCODE_PAYLOADS)


def _run(direction: str, permission: Permission) -> Response:
    if request.method == "OPTIONS":  # the browser's preflight: CORS headers only
        return Response(status=204)
    user = bearer_or_session_user()
    if user is None:
        return _error(401, "unauthorized", f"Sign in as staff to {direction} payloads.")
    if not user.may(permission):
        return _error(403, "forbidden", f"You may not {direction} payloads ({permission.value}).")
    payloads = _payloads(_body())
    if isinstance(payloads, Response):
        return payloads
    codec = temporal_client.codec(services().settings)
    try:
        if direction == "decode":
            done = [codec.decrypt(p) if temporal_client.is_encrypted(p) else p for p in payloads]
        else:
            done = [codec.encrypt(p) for p in payloads]
    except temporal_client.PayloadRejected as refused:
        return _error(400, "payload_rejected", str(refused))
    return jsonify({"payloads": [json_format.MessageToDict(p) for p in done]})


def _body() -> Any:
    try:
        return input_guard.loads(request.get_data(cache=True))
    except ValueError:  # bad JSON, not UTF-8, nested too deep
        return None


def _payloads(body: Any) -> list[Payload] | Response:
    if (
        not request.is_json
        or not isinstance(body, dict)
        or not isinstance(body.get("payloads"), list)
    ):
        return _error(400, "bad_request", 'Send JSON {"payloads": [...]}.')
    if len(body["payloads"]) > MAX_PAYLOADS:
        return _error(413, "too_many_payloads", f"At most {MAX_PAYLOADS} payloads per call.")
    try:
        return [json_format.ParseDict(item, Payload()) for item in body["payloads"]]
    except (json_format.ParseError, TypeError, ValueError):
        return _error(400, "bad_request", "A payload is not {metadata: {...}, data: base64}.")


def _error(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response
