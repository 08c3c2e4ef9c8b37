"""A signed-in shopper's searches, remembered as a recommendation signal.

Shared by search (which remembers) and recommendations (which reads them back): the
rules are domain/recommendations.py, the Redis list db/postgres/recommendations.py.
"""

from __future__ import annotations

import hashlib

from db.postgres.recommendations import RecentSearches
from db.search import SearchPage
from domain.recommendations import search_worth_remembering
from web.current_user import current_user
from web.services import services


def remember_search(page: SearchPage) -> None:
    """Called by the search views: a signed-in shopper's search becomes a signal."""
    user = current_user()
    if user is None or not search_worth_remembering(page.query.text, page.found):
        return
    item_ids = [hit.item_id for hit in page.hits]
    RecentSearches(services().redis, store_key()).remember(user.id, page.query.text, item_ids)


def store_key() -> str:
    """Which database the ids in Redis belong to (one Redis may serve several)."""
    url = services().settings.database_url or ""
    return hashlib.sha256(url.encode()).hexdigest()[:10]
