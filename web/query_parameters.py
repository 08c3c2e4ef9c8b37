"""An /api/v1 operation accepts the query parameters its OpenAPI operation documents, and
no other: an unknown one is a 400 `unknown_parameter` that names it (docs/api.md,
"Errors"). A misspelt filter (`?stauts=SHIPPED`) answered with every row and a 200
looks like a filter that matched everything; saying so is the only honest answer.

The OpenAPI document is the one list (web/openapi/ assembles it from each feature's
`openapi.py`), so a route cannot accept what it does not document. The app factory
hands its paths to `init_known_parameters`; one `before_request` looks the matched URL
rule and method up, before any view runs. The SSE streams served beside Flask
(web/live/asgi.py) read the same `KnownParameters` from `app.extensions`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask, current_app, request

from web.errors import BadRequest

EXTENSION_KEY = "shopflow.known_parameters"
API_V1 = "/api/v1/"
METHODS = {"get", "post", "put", "patch", "delete"}
# Flask's `<int:item_id>` and OpenAPI's `{itemID}` name a path parameter differently;
# only where one stands matters.
_PATH_PARAMETER = re.compile(r"<[^>]+>|\{[^}]+\}")


class UnknownParameter(BadRequest):
    code = "unknown_parameter"


def path_shape(path: str) -> str:
    """`/api/v1/orders/<order_id>` and `/api/v1/orders/{orderID}` -> `/api/v1/orders/{}`."""
    return _PATH_PARAMETER.sub("{}", path)


class KnownParameters:
    """The documented query parameters of every operation, by (path shape, method)."""

    def __init__(self, paths: Mapping[str, Mapping[str, Any]]) -> None:
        self._known = {
            (path_shape(path), method): frozenset(
                parameter["name"]
                for parameter in operation.get("parameters", [])
                if parameter["in"] == "query"
            )
            for path, item in paths.items()
            for method, operation in item.items()
            if method in METHODS
        }

    def known(self, route: str, method: str) -> frozenset[str]:
        """An undocumented operation knows none (tests/web/test_openapi_document.py
        keeps every route documented)."""
        method = "get" if method.lower() == "head" else method.lower()
        return self._known.get((path_shape(route), method), frozenset())

    def problem(self, route: str, method: str, names: Iterable[str]) -> str | None:
        """The 400's message if `names` holds one this operation does not document."""
        known = self.known(route, method)
        unknown = sorted({name for name in names if name not in known})
        if not unknown:
            return None
        listed = ", ".join(repr(name[:64]) for name in unknown[:5])
        accepted = ", ".join(sorted(known)) or "none"
        noun = "parameter" if len(unknown) == 1 else "parameters"
        return (
            f"Unknown query {noun} {listed}; this operation accepts: {accepted} "
            "(see /api/v1/openapi.json)."
        )


def refuse_unknown_parameters() -> None:
    if request.url_rule is None or not request.path.startswith(API_V1):
        return  # a 404/405 says so itself; pages keep their own (lenient) forms
    if request.method == "OPTIONS":
        return
    known: KnownParameters = current_app.extensions[EXTENSION_KEY]
    message = known.problem(request.url_rule.rule, request.method, request.args.keys())
    if message is not None:
        raise UnknownParameter(message)


def init_known_parameters(app: Flask, paths: Mapping[str, Mapping[str, Any]]) -> None:
    app.extensions[EXTENSION_KEY] = KnownParameters(paths)
    app.before_request(refuse_unknown_parameters)
