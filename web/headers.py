"""Security headers and cookie flags, kept in this one place.

The Content-Security-Policy allows only this origin: htmx and its extensions are
vendored under static/vendor, CSS is one file, there is no inline script or style
(htmx's own inline indicator style is switched off in base.html's htmx-config).
Permissions-Policy switches off every powerful browser feature the store never uses.
Served over HTTPS (SESSION_COOKIE_SECURE=true, or a request that arrived over TLS),
the session cookie is Secure and Strict-Transport-Security tells browsers to never
come back over plain HTTP.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, request

from settings import Settings

# Carts, checkouts, orders and accounts belong to one shopper: no cache may keep them.
PRIVATE = "private, no-store"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Product pictures from an imported file may live on a CDN (https only).
        "img-src 'self' data: https:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)
HSTS = "max-age=63072000; includeSubDomains"  # two years


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    return response


def register_security_headers(app: Flask, settings: Settings) -> None:
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
    )
    app.after_request(add_security_headers)

    if settings.session_cookie_secure:

        @app.after_request
        def strict_transport(response: Response) -> Response:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
            return response

    else:

        @app.after_request
        def strict_transport_over_tls(response: Response) -> Response:
            # HSTS is only honoured over HTTPS; send it when this request came that way.
            if request.is_secure:
                response.headers.setdefault("Strict-Transport-Security", HSTS)
            return response


def keep_private(bp: Blueprint) -> Blueprint:
    """Mark every answer of `bp`, errors included, `Cache-Control: private, no-store`."""

    def private(response: Response) -> Response:
        response.headers["Cache-Control"] = PRIVATE
        return response

    bp.after_request(private)
    return bp
