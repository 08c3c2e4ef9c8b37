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

from dataclasses import dataclass
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
from web.current_user import current_user
from web.errors import SEARCH_UNAVAILABLE
from web.page_items import MAX_PAGE_ITEMS, parse_item_id
from web.rendering import render, wants_fragment
from web.search.use_cases import CatalogueSearch
from web.services import services

bp = Blueprint("search", __name__)

SORT_LABELS = {
    SortOrder.RELEVANCE: "Best match",
    SortOrder.PRICE_ASC: "Price: low to high",
    SortOrder.PRICE_DESC: "Price: high to low",
    SortOrder.RATING: "Top rated",
}


@bp.get(
    "/items"
)  # the contract's name (docs/contract.md) for search; /search (registered last) is what url_for builds
@bp.get("/search")
def results() -> Response:
    following_cursor = bool(request.args.get("nextCursor"))
    partial = (
        "search/partials/more_results.html" if following_cursor else "search/partials/results.html"
    )
    typing = wants_fragment() and request.htmx.trigger_name == "query"
    try:
        shown_before = parse_shown(request.args.get("shown", "")) if following_cursor else []
        search_request = parse_search_args(request.args, prices_in="dollars")
        page = _catalogue_search().search(
            search_request, with_facets=not (typing or following_cursor), user_id=_user_id()
        )
    except (InvalidSearch, SearchUnavailable) as exc:
        return _refused(exc, partial)
    # Rows appended by an htmx "Load more" join the stream of the cards above them.
    stream = CardStream.of(page, shown_before if wants_fragment() else [])
    response = render("search/index.html", partial, **page_context(page, stream, following_cursor))
    if wants_fragment() and not following_cursor:
        # The address bar shows the tidy URL (no empty form fields), not the raw request.
        return htmx_response(response, push_url=search_url(page.query, page.limit))
    return response


def _refused(exc: InvalidSearch | SearchUnavailable, partial: str) -> Response:
    """The page (or fragment) again with the search as typed and why it found nothing."""
    typed = request.args.get("query", "")[:MAX_QUERY_LENGTH]
    if isinstance(exc, InvalidSearch):
        return render("search/index.html", partial, status=400, text=typed, error=str(exc))
    return render("search/index.html", partial, status=503, text=typed, error=SEARCH_UNAVAILABLE)


def page_context(page: SearchPage, stream: CardStream, following_cursor: bool) -> dict[str, object]:
    """What search/index.html and its partials show of one page of results."""
    next_url = next_page_url(page)
    return {
        "default_limit": DEFAULT_LIMIT,
        "text": page.query.text,
        "page": page,
        "query": page.query,
        "next_url": next_url,
        "more_url": next_url and f"{next_url}&{urlencode({'shown': stream.ids_text})}",
        "stream": stream,
        "stream_oob": following_cursor and wants_fragment(),
        "min_dollars": cents_to_dollars_text(page.query.min_price),
        "max_dollars": cents_to_dollars_text(page.query.max_price),
        "sort_labels": SORT_LABELS,
        "facets_url": None if page.facets is not None else facets_url(page.query),
        "recommendations_url": None if following_cursor else recommendations_url(page),
        **facet_context(page.query, page.facets),
    }


def recommendations_url(page: SearchPage) -> str | None:
    """The row loaded beside the results (the recommendations feature's fragment): for a
    signed-in shopper always, for anyone when nothing was found (popular items)."""
    if current_user() is None and page.hits:
        return None
    return url_for("recommendations.beside_search", query=page.query.text)


def _user_id() -> int | None:
    """A signed-in shopper's search feeds their recommendations."""
    user = current_user()
    return user.id if user else None


@bp.get("/search/facets")
def facets() -> Response:
    """The sidebar's counts alone (search/partials/facet_counts.html), asked for by the
    sidebar of a search typed into the box once the typing pauses."""
    try:
        query = parse_search_args(request.args, prices_in="dollars").query
        counts = _catalogue_search().facets(query)
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


@dataclass(frozen=True)
class CardStream:
    """The cards the page's one stock stream names (templates/search/partials/card_stream.html):
    the cards shown before this page (their stock unsaid, so the stream sends it on
    connecting: the page may show a change the old stream delivered) and this page's,
    capped at the most recent MAX_PAGE_ITEMS (the stream's limit): a shopper who loads
    more than that many cards keeps live updates on the last 100 only."""

    shown: tuple[tuple[int, bool | None], ...]

    @classmethod
    def of(cls, page: SearchPage, shown_before: list[int]) -> CardStream:
        items = {item_id: None for item_id in shown_before}
        for hit in page.hits:
            items.pop(hit.item_id, None)  # a repeated card counts where it is now
            items[hit.item_id] = hit.in_stock
        return cls(tuple(items.items())[-MAX_PAGE_ITEMS:])

    @property
    def item_ids(self) -> list[int]:
        return [item_id for item_id, _ in self.shown]

    @property
    def ids_text(self) -> str:
        return ",".join(str(item_id) for item_id in self.item_ids)

    @property
    def query(self) -> str:
        """The stream's `items`: "12:1,14:0,9" (in stock / out / unsaid)."""
        return ",".join(
            str(item_id) if in_stock is None else f"{item_id}:{int(in_stock)}"
            for item_id, in_stock in self.shown
        )


def parse_shown(raw: str) -> list[int]:
    """The load-more request's `shown`: the item ids of the cards already on the page."""
    if not raw:
        return []
    ids = [parse_item_id(part) for part in raw.split(",", MAX_PAGE_ITEMS)]
    if len(ids) > MAX_PAGE_ITEMS or None in ids:
        raise InvalidSearch(f"shown must be at most {MAX_PAGE_ITEMS} comma-separated item ids")
    return [item_id for item_id in ids if item_id is not None]


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


def _catalogue_search() -> CatalogueSearch:
    """Made per request from this app's search and recommendations (a test may swap either)."""
    s = services()
    return CatalogueSearch(s.search, s.recommendations)
