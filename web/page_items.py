"""The item ids a page follows on its stock stream: at most MAX_PAGE_ITEMS, each a real id.

Shared by the stream (web/live/streams.py, its `items` parameter) and the search page
(web/search/pages.py, its `shown` parameter), which must agree on the limit.
"""

from __future__ import annotations

import re

from web.item_reads import MAX_ITEM_ID

_ITEM_ID = re.compile(r"[0-9]{1,19}")
MAX_PAGE_ITEMS = 100


def parse_item_id(raw: str) -> int | None:
    if not _ITEM_ID.fullmatch(raw):
        return None
    item_id = int(raw)
    return item_id if 1 <= item_id <= MAX_ITEM_ID else None
