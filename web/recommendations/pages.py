"""Recommendations in the browser: the home page's "Recommended for you" / "Popular right
now" and the item page's "Frequently bought together", each an htmx partial loaded after
its page so the page (and the search bar) never waits for it. The API is
web/recommendations/api.py; what both do is web/recommendations/use_cases.py.

    GET /recommendations                 the home page's shelf (fragment for htmx)
    GET /items/<id>/bought-together      the item page's shelf (fragment for htmx)
    GET /recommendations/search?query=   the row beside a search's results (fragment for htmx)
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from db.search.query import MAX_QUERY_LENGTH
from domain.recommendations import Reason
from web.current_user import current_user
from web.headers import PRIVATE
from web.rendering import render
from web.services import services

bp = Blueprint("recommendations", __name__)


@bp.get("/recommendations")
def shelf() -> Response:
    user = current_user()
    picks = services().recommendations.for_shopper(user.id if user else None)
    personal = any(pick.reason is not Reason.POPULAR for pick in picks)
    response = render(
        "recommendations/index.html",
        "recommendations/partials/shelf.html",
        picks=picks,
        personal=personal,
    )
    response.headers["Cache-Control"] = PRIVATE  # it is about this shopper
    return response


@bp.get("/recommendations/search")
def beside_search() -> Response:
    """Loaded by the search page after its results (templates/search/partials/results.html)."""
    user = current_user()
    query = request.args.get("query", "")[:MAX_QUERY_LENGTH]
    picks = services().recommendations.for_search(user.id if user else None, query)
    response = render(
        "recommendations/search.html",
        "recommendations/partials/search_row.html",
        picks=picks,
        personal=any(pick.reason is not Reason.POPULAR for pick in picks),
    )
    response.headers["Cache-Control"] = PRIVATE  # it is about this shopper
    return response


@bp.get("/items/<int:item_id>/bought-together")
def together(item_id: int) -> Response:
    response = render(
        "recommendations/together.html",
        "recommendations/partials/together.html",
        item_id=item_id,
        items=services().recommendations.bought_together_with(item_id),
    )
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
