"""`GET /api/v1/recommendations?limit=` -> `{items: [{itemID, name, price, inStock, reason}]}`.

With a bearer token: the shopper's own picks (reason `recent_search` or
`bought_together`), topped up with `popular`; without one: `popular` only. Never an
item out of stock or one the shopper bought in the last 30 days. Answered from Redis and
PostgreSQL alone (no search engine), so it keeps working when Typesense is down.
`limit` is 1..50 (default 8); anything else is a 400.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from domain.recommendations import parse_limit
from web.current_user import current_user
from web.errors import BadRequest
from web.headers import keep_private
from web.json_io import private_json
from web.recommendations.use_cases import Recommendation
from web.services import services

bp = Blueprint("api_recommendations", __name__, url_prefix="/api/v1/recommendations")
keep_private(bp)  # personal: no shared cache may keep it


@bp.get("")
def list_recommendations() -> Response:
    try:
        limit = parse_limit(request.args.get("limit"))
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    user = current_user()
    picks = services().recommendations.for_shopper(user.id if user else None, limit)
    return private_json({"items": [recommendation_json(pick) for pick in picks]})


def recommendation_json(pick: Recommendation) -> dict[str, object]:
    return {
        "itemID": pick.item.item_id,
        "name": pick.item.name,
        "price": pick.item.price,
        "inStock": pick.item.in_stock,
        "reason": pick.reason.value,
    }
