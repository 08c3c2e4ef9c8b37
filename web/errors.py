"""Every failure becomes a friendly page for browsers and `{"error": {...}}` under /api.

Nothing ever shows a traceback. Unreachable services map to 503 with a sentence a
shopper understands; anything unexpected is logged with its traceback and answered
with a plain 500.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis
from flask import Flask, Response, jsonify, request
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, NotFound

from db.search import InvalidSearch, SearchUnavailable
from web.rendering import render

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
SEARCH_UNAVAILABLE = "Search is unavailable right now. Please try again in a moment."
DATABASE_UNAVAILABLE = "The store can't reach its database right now. Please try again in a moment."
REDIS_UNAVAILABLE = "The store is having trouble right now. Please try again in a moment."


class BadRequest(ValueError):
    """Raise with a readable message anywhere in a view to answer 400."""


@dataclass(frozen=True)
class Problem:
    status: int
    code: str
    message: str
    title: str


def describe(error: BaseException) -> Problem:
    if isinstance(error, HTTPException):
        status = error.code or 500
        title = error.name
        message = error.description or title
        if status == 404 and message == NotFound.description:
            message = "We couldn't find that page."
        return Problem(status, title.lower().replace(" ", "_"), message, title)
    if isinstance(error, InvalidSearch | BadRequest):
        # A bad `filter` says which kind (invalid_filter, conflicting_filter).
        code = getattr(error, "code", "bad_request")
        return Problem(400, code, str(error), "That didn't look right")
    if isinstance(error, SearchUnavailable):
        return Problem(503, "search_unavailable", SEARCH_UNAVAILABLE, "Search is unavailable")
    if isinstance(error, OperationalError | PoolTimeout) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ):
        return Problem(503, "database_unavailable", DATABASE_UNAVAILABLE, "We'll be right back")
    if isinstance(error, redis.ConnectionError | redis.TimeoutError):
        return Problem(503, "service_unavailable", REDIS_UNAVAILABLE, "We'll be right back")
    return Problem(
        500, "internal_error", "Something went wrong on our side. Please try again.", "Sorry"
    )


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(problem: Problem) -> Response:
    if is_api_request():
        response = jsonify({"error": {"code": problem.code, "message": problem.message}})
        response.status_code = problem.status
    else:
        response = render(
            "errors/page.html",
            "errors/partials/message.html",
            status=problem.status,
            problem=problem,
        )
    if problem.status == 503:
        response.headers["Retry-After"] = "5"
    response.headers["Cache-Control"] = "no-store"
    return response


def handle_error(error: BaseException) -> Response:
    problem = describe(error)
    if problem.status == 500:
        log.exception("Unhandled error on %s %s", request.method, request.path, exc_info=error)
    elif problem.status == 503:
        log.warning("%s on %s: %s", problem.code, request.path, error.__class__.__name__)
    return error_response(problem)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_error)
    app.register_error_handler(Exception, handle_error)
