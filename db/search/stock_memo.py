"""Each item's units as the live-stock overlay last read them, kept for one second at
most and forgotten the moment the stock feed says the item changed.

Search-as-you-type asks for the same few hundred items over and over, and reading
their stock from PostgreSQL was the largest single piece of the web tier's CPU per
anonymous search (docs/benchmarks.md, "Search at the engine's speed"). The web
process already hears every committed stock change on its one feed subscription
(web/live/fanout.py), so it can remember what it read and still show the change as
soon as the store's live cards do:

- `changed(item_id)`: the feed saw a change; the item is read afresh next time.
- A read that was under way while any change arrived is used for its own answer but
  not remembered: it may predate the change, and the feed would not say so again.
- `lost()`/`resumed()`: while the subscription is down, changes can be missed, so
  nothing is recalled or remembered; once it is back, everything is forgotten.
- `ttl_seconds` bounds what the feed cannot see: a relay that is down publishes
  nothing, and its changes still reach search within the TTL.
- At most `max_items` are kept; past that the memo starts again empty.

The memo starts suspended (`lost`) until its first subscription is open.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping

TTL_SECONDS = 1.0
MAX_ITEMS = 100_000


class StockMemo:
    def __init__(
        self,
        ttl_seconds: float = TTL_SECONDS,
        max_items: int = MAX_ITEMS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_seconds
        self._max = max_items
        self._clock = clock
        self._units: dict[int, tuple[int, float]] = {}  # item → (units, read at)
        # Moves on every change, loss and resumption: a read remembers only if it
        # has not moved since the read began.
        self.generation = 0
        self._live = False

    def recall(self, item_ids: Iterable[int]) -> tuple[dict[int, int], list[int]]:
        """(units of the items remembered and fresh, the ids to read)."""
        if not self._live:
            return {}, list(item_ids)
        oldest = self._clock() - self._ttl
        known: dict[int, int] = {}
        missing: list[int] = []
        for item_id in item_ids:
            entry = self._units.get(item_id)
            if entry is not None and entry[1] > oldest:
                known[item_id] = entry[0]
            else:
                missing.append(item_id)
        return known, missing

    def remember(self, units: Mapping[int, int], read_since: int) -> None:
        """Keep `units`, read from PostgreSQL by a read that began at `read_since`
        (the generation then), unless something changed or dropped meanwhile."""
        if not self._live or read_since != self.generation:
            return
        if len(self._units) + len(units) > self._max:
            self._units.clear()
        now = self._clock()
        for item_id, count in units.items():
            self._units[item_id] = (count, now)

    def changed(self, item_id: int) -> None:
        self.generation += 1
        self._units.pop(item_id, None)

    def lost(self) -> None:
        self.generation += 1
        self._live = False
        self._units.clear()

    def resumed(self) -> None:
        self.generation += 1
        self._units.clear()
        self._live = True
