"""Reviews over JSON (web/reviews/use_cases.py decides; this module only translates).

    GET  /api/v1/items/<itemID>/reviews[?cursor=]  {itemID, rating, reviewCount, reviews, nextCursor}
    POST /api/v1/items/<itemID>/reviews            {rating, title, text} -> 201 Review
    GET  /api/v1/items/<itemID>/reviews/mine       the caller's review
    PUT  /api/v1/items/<itemID>/reviews/mine       {rating, title, text} -> Review

Review = {reviewID, itemID, rating, title, text, demo, createdAt, updatedAt}. Reviews
come newest first; `nextCursor` is the next (older) page. Statuses: 403
`not_received` (never received the item), 404 (no such item, or no review of yours),
409 `already_reviewed`, 422 `invalid_review` (a message per field in `error.fields`),
429 (too many writes in a row).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from db.postgres.reviews import ReviewRecord
from web.current_user import api_login_required, current_user_id
from web.formatting import utc_iso
from web.item_reads import parse_item_id
from web.json_io import private_json, read_json_object
from web.limits import abuse_limits
from web.refusals import Refused, refused_json
from web.reviews.use_cases import ReviewPage, change_review, item_reviews, own_review, write_review
from web.services import services

bp = Blueprint("api_reviews", __name__, url_prefix="/api/v1/items/<item_id>/reviews")

LIST_CACHE_CONTROL = "public, max-age=5"  # a new review shows within seconds


@bp.get("")
def list_(item_id: str) -> Response:
    outcome = item_reviews(services().reviews, parse_item_id(item_id), request.args.get("cursor"))
    if isinstance(outcome, Refused):
        return refused_json(outcome)
    response = jsonify(page_json(outcome))
    response.headers["Cache-Control"] = LIST_CACHE_CONTROL
    return response


@bp.post("")
@api_login_required
def create(item_id: str) -> Response:
    number = parse_item_id(item_id)
    payload = read_json_object()
    outcome = write_review(services().reviews, abuse_limits(), current_user_id(), number, payload)
    if isinstance(outcome, Refused):
        return refused_json(outcome)
    response = private_json(review_json(outcome), 201)
    response.headers["Location"] = f"/api/v1/items/{number}/reviews/mine"
    return response


@bp.get("/mine")
@api_login_required
def mine(item_id: str) -> Response:
    outcome = own_review(services().reviews, current_user_id(), parse_item_id(item_id))
    if isinstance(outcome, Refused):
        return refused_json(outcome)
    return private_json(review_json(outcome))


@bp.put("/mine")
@api_login_required
def edit(item_id: str) -> Response:
    number = parse_item_id(item_id)
    payload = read_json_object()
    outcome = change_review(services().reviews, abuse_limits(), current_user_id(), number, payload)
    if isinstance(outcome, Refused):
        return refused_json(outcome)
    return private_json(review_json(outcome))


def review_json(review: ReviewRecord) -> dict[str, Any]:
    return {
        "reviewID": review.id,
        "itemID": review.item_id,
        "rating": review.rating,
        "title": review.title,
        "text": review.text,
        "demo": review.demo,
        "createdAt": utc_iso(review.created_at),
        "updatedAt": utc_iso(review.updated_at),
    }


def page_json(page: ReviewPage) -> dict[str, Any]:
    return {
        "itemID": page.item_id,
        "rating": page.summary.as_float,
        "reviewCount": page.summary.count,
        "reviews": [review_json(r) for r in page.reviews],
        "nextCursor": page.next_cursor,
    }
