"""CSRF protection for every state-changing browser request (forms and htmx alike).

Synchroniser token: a random token lives in the (signed) session; every POST, PUT,
PATCH or DELETE must send it back, either as the form field `csrf_token` (plain
forms, via `{{ csrf_field() }}`) or as the `X-CSRF-Token` header (htmx: base.html
puts it in `hx-headers` on <body>, which every htmx request inherits; the CSP forbids
the inline script other setups use). A cross-site page can make the browser send
the cookie but cannot read the token, so its forged request is refused (403).

The JSON API (/api/...) is exempt: it authenticates with `Authorization: Bearer`
only and never reads the session cookie, so a forged request carries no authority.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, request, session
from markupsafe import Markup, escape
from werkzeug.exceptions import Forbidden

from web.errors import is_api_request

SESSION_KEY = "_csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class CsrfRejected(Forbidden):
    description = (
        "This form has expired or didn't come from this site. Reload the page and try again."
    )


def csrf_token() -> str:
    """This session's token (created on first use)."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def csrf_field() -> Markup:
    """The hidden input every POST form carries."""
    return Markup(f'<input type="hidden" name="{FORM_FIELD}" value="{escape(csrf_token())}">')


# The codec server (web/codec.py) takes only application/json from the Temporal Web UI's
# origin (CORS), which a cross-site form cannot send without a preflight it would fail.
EXEMPT_PREFIXES = ("/codec/",)


def protect() -> None:
    if request.method in SAFE_METHODS or is_api_request():
        return
    if request.path.startswith(EXEMPT_PREFIXES):
        return
    expected = session.get(SESSION_KEY)
    supplied = request.headers.get(HEADER) or request.form.get(FORM_FIELD)
    if (
        not isinstance(expected, str)
        or not supplied
        or not hmac.compare_digest(expected.encode(), supplied.encode())
    ):
        raise CsrfRejected()


def init_csrf(app: Flask) -> None:
    app.before_request(protect)
    app.jinja_env.globals.update(csrf_token=csrf_token, csrf_field=csrf_field)
