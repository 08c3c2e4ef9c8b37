"""The JSON API under /api/v1 (SPEC section 5). One module per resource; errors are JSON.

Errors raised in these views are answered by web/errors.py, which recognises /api
paths and replies `{"error": {"code", "message"}}`.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Resource modules register their routes on `bp` when imported.
from web.api import auth, cart, items  # noqa: E402,F401
