"""The item page's reviews, loaded after the page with htmx (web/reviews/use_cases.py decides).

    GET  /items/<id>/reviews            the section: average, count, the form, newest reviews
    GET  /items/<id>/reviews?cursor=    the next (older) reviews and their own "More" button
    POST /items/<id>/reviews            write or rewrite the shopper's review

The form posts in place with htmx (the section comes back) and works without JavaScript
(303 back to the item page). A bad review comes back with a message on each wrong field
(422); a shopper who never received the item gets 403.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, request, url_for

from domain.refusals import RefusalKind
from web.current_user import current_user, current_user_id, login_required
from web.headers import PRIVATE
from web.limits import abuse_limits
from web.refusals import Refused, status_of
from web.rendering import render, wants_fragment
from web.reviews.use_cases import item_reviews, review_form, save_review
from web.services import services

bp = Blueprint("reviews", __name__, url_prefix="/items/<int:item_id>/reviews")

FORM_FIELDS = ("rating", "title", "text")


@bp.get("")
def section(item_id: int) -> Response:
    cursor = request.args.get("cursor")
    page = item_reviews(services().reviews, item_id, cursor)
    if isinstance(page, Refused):
        abort(status_of(page), description=page.message)
    if cursor:  # "More": only the next reviews
        return render("reviews/more.html", "reviews/partials/more.html", page=page)
    return _section(item_id, page=page)


@bp.post("")
@login_required
def save(item_id: int) -> Response:
    values = {name: (request.form.get(name) or "")[:5000] for name in FORM_FIELDS}
    outcome = save_review(services().reviews, abuse_limits(), current_user_id(), item_id, values)
    if isinstance(outcome, Refused):
        if outcome.kind is RefusalKind.NOT_FOUND:
            abort(404, description=outcome.message)
        errors = outcome.details.get("fields") or {"form": outcome.message}
        return _section(item_id, status=status_of(outcome), values=values, errors=errors)
    if not wants_fragment():
        return redirect(url_for("items.show", item_id=item_id, _anchor="reviews"), code=303)
    return _section(item_id, notice="Thank you: your review is saved.")


def _section(item_id: int, *, status: int = 200, **context: Any) -> Response:
    page = context.pop("page", None) or item_reviews(services().reviews, item_id, None)
    if isinstance(page, Refused):
        abort(status_of(page), description=page.message)
    user = current_user()
    form = review_form(services().reviews, user.id if user else None, item_id)
    own = form.own
    context.setdefault(
        "values",
        {"rating": str(own.rating), "title": own.title, "text": own.text} if own else {},
    )
    context.setdefault("errors", {})
    response = render(
        "reviews/section.html",
        "reviews/partials/section.html",
        status=status,
        page=page,
        form=form,
        signed_in=user is not None,
        **context,
    )
    if user is not None:
        response.headers["Cache-Control"] = PRIVATE  # the form is this shopper's
    return response
