"""The search page (`/search`, also `/items`): full page, results fragment, or "load more" rows.

Three shapes, one view:
  * a normal request                -> the whole page (search/index.html)
  * htmx, new search or new filters -> the sidebar + results (search/partials/results.html)
  * htmx, following nextCursor      -> just the next rows (search/partials/more_results.html)
The browser form speaks dollars (minDollars/maxDollars); the API speaks cents.

Facet counts cost more than the hits (docs/benchmarks.md), so a keystroke in the
search box gets the hits at once and a sidebar that fetches its counts from
`/search/facets` once the typing pauses: a request the next keystroke cancels by
replacing the sidebar before it fires. Every other request (a whole page, a filter
clicked) counts facets inline; counts are cached apart from the hits either way.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for
from htmx_flask import make_response as htmx_response

from db.search import (
    FacetCount,
    InvalidSearch,
    SearchPage,
    SearchQuery,
    SearchUnavailable,
    parse_search_args,
)
from db.search.args import cents_to_dollars_text
from db.search.query import DEFAULT_LIMIT, MAX_QUERY_LENGTH, SortOrder
from web.errors import SEARCH_UNAVAILABLE
from web.recommendations import remember_search
from web.rendering import render, wants_fragment
from web.services import services

bp = Blueprint("search", __name__)

SORT_LABELS = {
    SortOrder.RELEVANCE: "Best match",
    SortOrder.PRICE_ASC: "Price: low to high",
    SortOrder.PRICE_DESC: "Price: high to low",
    SortOrder.RATING: "Top rated",
}


@bp.get("/items")  # the SPEC's name for search; /search (registered last) is what url_for builds
@bp.get("/search")
def results() -> Response:
    following_cursor = bool(request.args.get("nextCursor"))
    partial = (
        "search/partials/more_results.html" if following_cursor else "search/partials/results.html"
    )
    typed = request.args.get("query", "")[:MAX_QUERY_LENGTH]
    typing = wants_fragment() and request.htmx.trigger_name == "query"
    try:
        search_request = parse_search_args(request.args, prices_in="dollars")
        page = services().search.search(
            search_request, with_facets=not (typing or following_cursor)
        )
    except InvalidSearch as exc:
        return render("search/index.html", partial, status=400, text=typed, error=str(exc))
    except SearchUnavailable:
        return render(
            "search/index.html", partial, status=503, text=typed, error=SEARCH_UNAVAILABLE
        )
    response = render(
        "search/index.html",
        partial,
        default_limit=DEFAULT_LIMIT,
        text=page.query.text,
        page=page,
        query=page.query,
        next_url=next_page_url(page),
        min_dollars=cents_to_dollars_text(page.query.min_price),
        max_dollars=cents_to_dollars_text(page.query.max_price),
        sort_labels=SORT_LABELS,
        facets_url=None if page.facets is not None else facets_url(page.query),
        **facet_context(page.query, page.facets),
    )
    if not following_cursor:
        remember_search(page)  # a signed-in shopper's search feeds their recommendations
    if wants_fragment() and not following_cursor:
        # The address bar shows the tidy URL (no empty form fields), not the raw request.
        return htmx_response(response, push_url=search_url(page.query, page.limit))
    return response


@bp.get("/search/facets")
def facets() -> Response:
    """The sidebar's counts alone (search/partials/facet_counts.html), asked for by the
    sidebar of a search typed into the box once the typing pauses."""
    try:
        query = parse_search_args(request.args, prices_in="dollars").query
        counts = services().search.facets(query)
    except InvalidSearch as exc:
        return Response(str(exc), status=400, mimetype="text/plain")
    except SearchUnavailable:
        return Response(SEARCH_UNAVAILABLE, status=503, mimetype="text/plain")
    html = render_template(
        "search/partials/facet_counts.html",
        query=query,
        search_url=url_for("search.results"),
        facets_url=None,
        **facet_context(query, counts),
    )
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "public, max-age=30"
    return response


def facets_url(query: SearchQuery) -> str:
    pairs = browser_args(query)
    return f"{url_for('search.facets')}?{urlencode(pairs)}" if pairs else url_for("search.facets")


def facet_context(
    query: SearchQuery, facets: dict[str, list[FacetCount]] | None
) -> dict[str, object]:
    """What the sidebar shows; with no counts yet, only what the shopper has selected."""
    counts = facets or {}
    return {
        "category_choices": category_choices(query, counts),
        "brand_choices": brand_choices(query, counts),
        "in_stock_count": None if facets is None else facet_count(counts, "in_stock", True),
    }


def browser_args(query: SearchQuery) -> list[tuple[str, str]]:
    """The query string that reproduces `query` in the browser (defaults left out)."""
    pairs: list[tuple[str, str]] = []
    if query.text:
        pairs.append(("query", query.text))
    if query.category:
        pairs.append(("category", query.category))
    pairs.extend(("brand", brand) for brand in query.brands)
    if query.min_price is not None:
        pairs.append(("minDollars", cents_to_dollars_text(query.min_price)))
    if query.max_price is not None:
        pairs.append(("maxDollars", cents_to_dollars_text(query.max_price)))
    if query.in_stock is not None:
        pairs.append(("inStock", "true" if query.in_stock else "false"))
    if query.sort is not SortOrder.RELEVANCE:
        pairs.append(("sort", query.sort.value))
    return pairs


def search_url(query: SearchQuery, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> str:
    pairs = browser_args(query)
    if limit != DEFAULT_LIMIT:
        pairs.append(("limit", str(limit)))
    if cursor:
        pairs.append(("nextCursor", cursor))
    base = url_for("search.results")
    return f"{base}?{urlencode(pairs)}" if pairs else base


def next_page_url(page: SearchPage) -> str | None:
    if page.next_cursor is None:
        return None
    return search_url(page.query, page.limit, page.next_cursor)


Facets = dict[str, list[FacetCount]]


def facet_count(facets: Facets, field: str, value: object) -> int:
    return next((f.count for f in facets.get(field, []) if f.value == value), 0)


def category_choices(query: SearchQuery, facets: Facets) -> list[tuple[str, int, bool]]:
    """(category, count, selected); the selected one stays listed even with no hits."""
    choices = [
        (str(f.value), f.count, f.value == query.category) for f in facets.get("category", [])
    ]
    if query.category and not any(selected for _, _, selected in choices):
        choices.insert(0, (query.category, 0, True))
    return choices


def brand_choices(query: SearchQuery, facets: Facets) -> list[tuple[str, int, bool]]:
    chosen = set(query.brands)
    choices = [(str(f.value), f.count, f.value in chosen) for f in facets.get("brand", [])]
    listed = {name for name, _, _ in choices}
    choices[:0] = [(brand, 0, True) for brand in query.brands if brand not in listed]
    return choices
