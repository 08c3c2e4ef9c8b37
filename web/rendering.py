"""Full page or HTMX fragment: one decision, made in one place.

A normal request gets the whole page. An htmx request (`request.htmx`, from
htmx-flask's `Htmx(app)` in create_app) gets just the fragment it will swap in,
except for boosted links and history restores, which replace the whole page and so
need the whole page. HX-* response headers are set with htmx-flask's `make_response`
(`trigger=`, `redirect=`, `push_url=`, `retarget=`, `reswap=`), never by hand.
`Vary: HX-Request` keeps caches from handing a fragment to a browser that asked for a
page (and vice versa).
"""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, render_template, request


def wants_fragment() -> bool:
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(
    full_template: str, partial_template: str, *, status: int = 200, **context: Any
) -> Response:
    """Render `partial_template` for htmx, else `full_template` (which includes the partial)."""
    template = partial_template if wants_fragment() else full_template
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
