"""Demo reviews for the generated catalogue: deterministic, and honest about being demo.

Each generated item gets the stars of a few reviews by made-up demo shoppers (or none:
many items have no reviews yet, as in any store); the loader writes them as `reviews`
rows marked `demo` (no shopper behind them) and the item's rating is their average,
computed like every rating (domain/reviews.py). The page shows them as "Demo review".
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from catalog.records import ItemRecord

SHARE_WITH_REVIEWS = 0.6
MAX_DEMO_REVIEWS = 12  # few rows per item: a 1M-item load stays a COPY of ~2M reviews
_STARS = (5, 4, 3, 2, 1)
_STAR_WEIGHTS = (46, 27, 11, 7, 9)  # mean ~4.0, with a tail of disappointed shoppers
# Demo reviews are dated in the year before this instant, so a load is reproducible.
DEMO_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_YEAR_SECONDS = 365 * 24 * 3600

_TITLES = {
    5: ("Love it", "Excellent", "Exactly what I wanted", "Would buy again"),
    4: ("Very good", "Does the job well", "Happy with it", "Good value"),
    3: ("It's fine", "Average", "Okay for the price", "Mixed feelings"),
    2: ("Not great", "Expected more", "Disappointing", "Meh"),
    1: ("Broke quickly", "Would not buy again", "Poor quality", "Not as described"),
}
_TEXTS = {
    5: "Works perfectly and arrived well packed.",
    4: "Good quality overall; one or two small things could be better.",
    3: "Does what it says, nothing more.",
    2: "Works, but not as well as I hoped.",
    1: "Stopped working soon after it arrived.",
}
DEMO_NOTE = "(A demo review, generated with the demo catalogue.)"


def demo_review_stars(seed: int, item_id: int) -> tuple[int, ...]:
    """The stars of an item's demo reviews; the same for the same seed and id."""
    rng = random.Random(f"{seed}:{item_id}:reviews")
    if rng.random() >= SHARE_WITH_REVIEWS:
        return ()
    count = min(MAX_DEMO_REVIEWS, 1 + int(rng.expovariate(1 / 3)))
    return tuple(rng.choices(_STARS, weights=_STAR_WEIGHTS, k=count))


def demo_review_rows(item: ItemRecord) -> Iterator[tuple]:
    """COPY rows (item_id, rating, title, body, demo, created_at, updated_at).

    Title and date are spread by arithmetic on (item, index), not a `random.Random` per
    row: building one costs more than the rest of the row, and a load writes millions."""
    for index, stars in enumerate(item.demo_reviews):
        spread = (item.id * 2_654_435_761 + index * 40_503) % _YEAR_SECONDS
        written = DEMO_EPOCH - timedelta(seconds=spread + 1)
        title = _TITLES[stars][(item.id + index) % len(_TITLES[stars])]
        yield (item.id, stars, title, f"{_TEXTS[stars]} {DEMO_NOTE}", True, written, written)
