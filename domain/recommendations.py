"""What to recommend to one shopper, and why: the rules, over signals fetched elsewhere.

Signals (newest / strongest first), each becomes a `reason`:
  * RECENT_SEARCH   - the top results of the shopper's own recent searches;
  * BOUGHT_TOGETHER - items often bought in the same order as what the shopper bought;
  * POPULAR         - what sells now (also all an anonymous shopper gets).
Personal signals take turns (one from each, in rank order) so neither drowns the other;
popular items fill what is left. Beside a search's results (`recommend_for_search`) a
fourth, POPULAR_IN_CATEGORY, takes a turn too: what sells in the department the search's
own results are in. Never an item out of stock, never one the shopper just
bought, never the same item twice.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, zip_longest

# A shopper's recent searches: how many are kept, for how long.
RECENT_SEARCHES_KEPT = 10
RECENT_SEARCH_DAYS = 30
# Top results of one search worth remembering as a signal.
ITEMS_PER_SEARCH = 5
# "Just bought": items of orders placed this recently are not offered again.
JUST_BOUGHT_DAYS = 30
MIN_QUERY_LENGTH = 2
DEFAULT_LIMIT = 8
SEARCH_ROW_LIMIT = 6  # the row beside a search's results
MAX_LIMIT = 50


class Reason(enum.StrEnum):
    RECENT_SEARCH = "recent_search"
    BOUGHT_TOGETHER = "bought_together"
    POPULAR = "popular"
    POPULAR_IN_CATEGORY = "popular_in_category"  # beside a search: its department's best sellers


@dataclass(frozen=True)
class Pick:
    item_id: int
    reason: Reason
    because: str | None = None  # what the reason names: the search, or the category


@dataclass(frozen=True)
class RecentSearch:
    query: str
    item_ids: tuple[int, ...]  # its top results when it was made, best first


def recommend(
    *,
    recent_searches: Sequence[RecentSearch],
    bought_together: Sequence[int],
    popular: Sequence[int],
    just_bought: Collection[int],
    in_stock: Collection[int],
    limit: int = DEFAULT_LIMIT,
) -> list[Pick]:
    """Up to `limit` picks: personal signals taking turns, then popular items."""
    searched = _round_robin(search.item_ids for search in recent_searches)
    personal = _round_robin(
        [
            [Pick(item_id, Reason.RECENT_SEARCH) for item_id in searched],
            [Pick(item_id, Reason.BOUGHT_TOGETHER) for item_id in bought_together],
        ]
    )
    fallback = (Pick(item_id, Reason.POPULAR) for item_id in popular)
    picks: list[Pick] = []
    seen: set[int] = set()
    for pick in chain(personal, fallback):
        if len(picks) >= limit:
            break
        if pick.item_id in seen or pick.item_id in just_bought or pick.item_id not in in_stock:
            continue
        seen.add(pick.item_id)
        picks.append(pick)
    return picks


def recommend_for_search(
    *,
    query: str,
    recent_searches: Sequence[RecentSearch],
    bought_together: Sequence[int],
    popular_in_category: Sequence[int],
    category: str | None,
    popular: Sequence[int],
    just_bought: Collection[int],
    shown: Collection[int],
    in_stock: Collection[int],
    limit: int = SEARCH_ROW_LIMIT,
) -> list[Pick]:
    """A row beside the results of `query`: its department's best sellers and the
    shopper's other searches and purchases taking turns, then popular items; never an
    item the results themselves lead with (`shown`). The results keep their own order."""
    others = [search for search in recent_searches if not replaces_previous(search.query, query)]
    searched = _round_robin(
        [Pick(item_id, Reason.RECENT_SEARCH, search.query) for item_id in search.item_ids]
        for search in others
    )
    related = _round_robin(
        [
            [
                Pick(item_id, Reason.POPULAR_IN_CATEGORY, category)
                for item_id in popular_in_category
            ],
            searched,
            [Pick(item_id, Reason.BOUGHT_TOGETHER) for item_id in bought_together],
        ]
    )
    fallback = (Pick(item_id, Reason.POPULAR) for item_id in popular)
    picks: list[Pick] = []
    seen = set(shown) | set(just_bought)
    for pick in chain(related, fallback):
        if len(picks) >= limit:
            break
        if pick.item_id in seen or pick.item_id not in in_stock:
            continue
        seen.add(pick.item_id)
        picks.append(pick)
    return picks


def department_of(categories: Iterable[str]) -> str | None:
    """The category most of a search's top results are in (a tie: the first seen)."""
    counts: dict[str, int] = {}
    for category in categories:
        counts[category] = counts.get(category, 0) + 1
    return max(counts, key=lambda category: counts[category]) if counts else None


def candidates(
    recent_searches: Sequence[RecentSearch], bought_together: Iterable[int], popular: Iterable[int]
) -> set[int]:
    """Every item `recommend` might pick: what the stock check must cover."""
    return {
        *(item_id for search in recent_searches for item_id in search.item_ids),
        *bought_together,
        *popular,
    }


def search_worth_remembering(query: str, found: int) -> bool:
    """A search is a signal when it found something and is more than a keystroke."""
    text = query.strip()
    return found > 0 and len(text) >= MIN_QUERY_LENGTH and text != "*"


def replaces_previous(previous: str | None, query: str) -> bool:
    """Search-as-you-type sends "wirel", "wireless", "wireless head": one search, not three.
    A query that extends (or trims) the last remembered one replaces it."""
    if not previous:
        return False
    a, b = previous.strip().casefold(), query.strip().casefold()
    return a.startswith(b) or b.startswith(a)


def frequently_bought_with(
    item_id: int, bought_together: Sequence[int], in_stock: Collection[int], limit: int
) -> list[int]:
    """The item page's "Frequently bought together": strongest first, in stock, not itself."""
    picks = [
        other for other in dict.fromkeys(bought_together) if other != item_id and other in in_stock
    ]
    return picks[:limit]


def parse_limit(raw: str | None) -> int:
    """`limit` of the API: 1..MAX_LIMIT, DEFAULT_LIMIT when absent; ValueError otherwise."""
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit() or len(raw) > 4:
        raise ValueError(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    limit = int(raw)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return limit


def _round_robin(lists: Iterable[Iterable]) -> list:
    """First of each, then second of each, ...: [[1, 2, 3], [7]] -> [1, 7, 2, 3]."""
    missing = object()
    return [
        value
        for row in zip_longest(*[list(values) for values in lists], fillvalue=missing)
        for value in row
        if value is not missing
    ]
