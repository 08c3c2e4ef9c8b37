"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json, read at /api/docs.

Each feature's `web/<feature>/openapi.py` holds its `PATHS` and `SCHEMAS`, beside its
`api.py`; web/openapi_components.py has what they share. Whoever adds or
changes an /api/v1 route documents it in the module of its blueprint (or a new one
listed in RESOURCES): tests/web/test_openapi_document.py fails for any route of the
app missing here, any documented path the app does not have, and any documented
status no request can provoke.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

from flask import Blueprint, Response, jsonify, render_template

from web import openapi_components as components
from web.account import openapi as addresses
from web.auth import openapi as auth
from web.auth.password_reset import openapi as password_reset
from web.cart import openapi as cart
from web.checkout import openapi as checkout
from web.openapi_components import errors
from web.orders import openapi as orders
from web.recommendations import openapi as recommendations
from web.reviews import openapi as reviews
from web.search import openapi as items
from web.staff_orders import openapi as staff_orders
from web.waiting_room import openapi as waiting_room
from web.warehouses import openapi as warehouses

RESOURCES: tuple[ModuleType, ...] = (
    items,
    auth,
    password_reset,
    cart,
    checkout,
    orders,
    warehouses,
    addresses,
    recommendations,
    reviews,
    waiting_room,
    staff_orders,
)
VERSION = "1.0.0"

bp = Blueprint("api_docs", __name__)

# Swagger UI renders with inline styles; everything else stays same-origin only.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

OWN_PATHS = {
    "/api/v1/openapi.json": {
        "get": {
            "operationId": "openapi",
            "tags": ["meta"],
            "summary": "This document",
            "security": [],
            "responses": {
                "200": {
                    "description": "The OpenAPI 3.1 document of /api/v1.",
                    **components.json_body({"type": "object"}),
                }
            },
        }
    }
}


@functools.cache
def document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = dict(components.SCHEMAS)
    for resource in RESOURCES:
        clash = (set(resource.PATHS) & set(paths)) | (set(resource.SCHEMAS) & set(schemas))
        if clash:
            raise ValueError(f"{resource.__name__} documents {sorted(clash)} again")
        paths.update(resource.PATHS)
        schemas.update(resource.SCHEMAS)
    paths.update(OWN_PATHS)
    paths = {
        path: {method: _answers_unknown_parameters(op) for method, op in item.items()}
        for path, item in paths.items()
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "shopflow API",
            "version": VERSION,
            "description": "The JSON API of the shopflow store (docs/contract.md §5). Money is "
            "integer cents, times are ISO 8601 UTC, errors are "
            '`{"error": {"code", "message"}}`. Get a token with POST /api/v1/auth/token and '
            "send it as `Authorization: Bearer <token>`. A query parameter an operation does not "
            "list is refused: 400 `unknown_parameter`.",
        },
        "servers": [{"url": "/"}],
        "security": components.BEARER,
        "tags": [
            {"name": name}
            for name in (
                "items",
                "accounts",
                "cart",
                "checkout",
                "orders",
                "warehouses",
                "staff",
                "meta",
            )
        ],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": schemas, "securitySchemes": components.SECURITY_SCHEMES},
    }


def _answers_unknown_parameters(operation: dict[str, Any]) -> dict[str, Any]:
    """The operation with a 400: every one refuses a query parameter it does not list
    (web/query_parameters.py)."""
    responses = operation["responses"]
    if "400" in responses:
        return operation
    return {**operation, "responses": dict(sorted({**responses, **errors(400)}.items()))}


@bp.get("/api/v1/openapi.json")
def openapi_json() -> Response:
    response = jsonify(document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/api/docs")
def api_docs() -> Response:
    response = Response(render_template("api_docs/index.html"))
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response
