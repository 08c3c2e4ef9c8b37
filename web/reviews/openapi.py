"""Reviews: /api/v1/items/{itemID}/reviews and .../reviews/mine (web/reviews/api.py)."""

from __future__ import annotations

from domain.reviews import HIGHEST_RATING, LOWEST_RATING, MAX_TEXT_LENGTH, MAX_TITLE_LENGTH
from web.openapi_components import (
    BEARER,
    ID_INT,
    ISO_INSTANT,
    errors,
    json_body,
    nullable,
    obj,
    path_param,
    query_param,
    ref,
)

STARS = {"type": "integer", "minimum": LOWEST_RATING, "maximum": HIGHEST_RATING}
ITEM_ID = path_param("itemID", {"type": "string"}, "The item's id.")
INVALID = (
    "`invalid_review`: the rating is not a whole number from 1 to 5, or the title or text is "
    "empty or too long; `error.fields` has a message per field. Nothing was saved."
)
THROTTLED = "`too_many_requests`: too many reviews written in a row; wait `Retry-After` seconds."
AVERAGE = {
    "type": "number",
    "minimum": LOWEST_RATING,
    "maximum": HIGHEST_RATING,
    "description": "The average of the item's reviews, rounded half up to one decimal.",
}

SCHEMAS = {
    "ReviewInput": obj(
        {
            "rating": STARS,
            "title": {"type": "string", "minLength": 1, "maxLength": MAX_TITLE_LENGTH},
            "text": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_LENGTH},
        }
    ),
    "Review": obj(
        {
            "reviewID": ID_INT,
            "itemID": ID_INT,
            "rating": STARS,
            "title": {"type": "string"},
            "text": {"type": "string"},
            "demo": {
                "type": "boolean",
                "description": "Seeded with the demo catalogue, not written by a shopper.",
            },
            "createdAt": ISO_INSTANT,
            "updatedAt": ISO_INSTANT,
        }
    ),
    "ReviewPage": obj(
        {
            "itemID": ID_INT,
            "rating": nullable(AVERAGE),
            "reviewCount": {"type": "integer", "minimum": 0},
            "reviews": {"type": "array", "items": ref("Review")},
            "nextCursor": nullable({"type": "string"}),
        }
    ),
}

PATHS = {
    "/api/v1/items/{itemID}/reviews": {
        "get": {
            "operationId": "listReviews",
            "tags": ["items"],
            "summary": "An item's reviews, newest first, with its average and count",
            "security": [],
            "parameters": [
                ITEM_ID,
                query_param(
                    "cursor",
                    {"type": "string", "maxLength": 400},
                    "`nextCursor` of the previous page (the next, older reviews).",
                ),
            ],
            "responses": {
                "200": {"description": "One page of reviews.", **json_body(ref("ReviewPage"))},
                **errors(400, 404, _400="itemID or cursor is not valid."),
            },
        },
        "post": {
            "operationId": "createReview",
            "tags": ["items"],
            "summary": "Review an item you have received (once; edit it afterwards)",
            "security": BEARER,
            "parameters": [ITEM_ID],
            "requestBody": {"required": True, **json_body(ref("ReviewInput"))},
            "responses": {
                "201": {
                    "description": "Saved; the item's average and count include it "
                    "(Location names the review).",
                    **json_body(ref("Review")),
                },
                **errors(
                    400,
                    401,
                    403,
                    404,
                    409,
                    422,
                    429,
                    _403="`not_received`: no delivered parcel of yours holds this item.",
                    _409="`already_reviewed`: you reviewed this item already; PUT .../mine.",
                    _422=INVALID,
                    _429=THROTTLED,
                ),
            },
        },
    },
    "/api/v1/items/{itemID}/reviews/mine": {
        "get": {
            "operationId": "getOwnReview",
            "tags": ["items"],
            "summary": "Your review of the item",
            "security": BEARER,
            "parameters": [ITEM_ID],
            "responses": {
                "200": {"description": "Your review.", **json_body(ref("Review"))},
                **errors(400, 401, 404),
            },
        },
        "put": {
            "operationId": "editOwnReview",
            "tags": ["items"],
            "summary": "Rewrite your review of the item",
            "security": BEARER,
            "parameters": [ITEM_ID],
            "requestBody": {"required": True, **json_body(ref("ReviewInput"))},
            "responses": {
                "200": {"description": "The review as saved.", **json_body(ref("Review"))},
                **errors(400, 401, 404, 422, 429, _422=INVALID, _429=THROTTLED),
            },
        },
    },
}
