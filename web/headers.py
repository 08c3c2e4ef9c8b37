"""Security headers on every response.

The Content-Security-Policy allows only this origin: htmx and its extensions are
vendored under static/vendor, CSS is one file, there is no inline script or style
(htmx's own inline indicator style is switched off in base.html's htmx-config).
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response

# Carts, checkouts, orders and accounts belong to one shopper: no cache may keep them.
PRIVATE = "private, no-store"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    return response


def register_security_headers(app: Flask) -> None:
    app.after_request(add_security_headers)


def keep_private(bp: Blueprint) -> Blueprint:
    """Mark every answer of `bp`, errors included, `Cache-Control: private, no-store`."""

    def private(response: Response) -> Response:
        response.headers["Cache-Control"] = PRIVATE
        return response

    bp.after_request(private)
    return bp
