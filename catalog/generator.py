"""A deterministic, streaming generator of a store catalogue that reads like a real one.

Every item is drawn from its own `random.Random` seeded by (seed, item id), so:
- the same seed always gives the same catalogue, byte for byte;
- any slice of ids can be generated alone and equals the same ids of a full run
  (useful for parallel loads and for tests);
- memory stays flat however many items are generated: nothing is accumulated.

No two items share a name: every name ends in a model number that is a permutation of
the item id (`model_number`), so uniqueness needs no memory of the names already made
and a slice generated alone still equals the same ids of a full run.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator
from itertools import accumulate

from catalog.demo_drawing import DemoDrawing
from catalog.demo_reviews import demo_review_stars
from catalog.places import WAREHOUSE_SITES
from catalog.records import ItemRecord, WarehouseRecord
from catalog.vocabulary import (
    CATEGORY_SENTENCES,
    MODEL_SERIES,
    MODEL_SUFFIXES,
    PRODUCT_TYPES,
    ProductType,
    label,
    price_factor,
)

OUT_OF_STOCK_SHARE = 0.05
LOW_STOCK_SHARE = 0.08  # 1-5 units left in total
LOW_STOCK_MAX = 5
MAX_UNITS_PER_WAREHOUSE = 900

# Model numbers: two letters and four digits, 26 * 26 * 10_000 of them. Multiplying by
# a number coprime with that count permutes the ids, so consecutive items get
# unrelated-looking numbers and two ids below MAX_ITEMS never share one. The digits
# keep a model number from ever being a near-spelling of a word a shopper types.
MAX_ITEMS = 26 * 26 * 10_000
_MODEL_MULTIPLIER = 1_000_003  # prime, and not 2, 5 or 13: coprime with MAX_ITEMS

_CUMULATIVE_WEIGHTS = tuple(accumulate(t.weight for t in PRODUCT_TYPES))
_WAREHOUSE_SPREAD = ((1, 2, 3), (45, 35, 20))  # how many warehouses stock an item, and how often


def generate_warehouses(count: int, seed: int = 0) -> list[WarehouseRecord]:
    """`count` warehouses at real fulfilment-hub cities, ids 1..count.

    Past the list of sites a city gets a second (third...) centre a few km away.
    """
    if count < 1:
        raise ValueError("a store needs at least one warehouse")
    rng = random.Random(f"warehouses:{seed}")
    warehouses = []
    for index in range(count):
        site = WAREHOUSE_SITES[index % len(WAREHOUSE_SITES)]
        round_ = index // len(WAREHOUSE_SITES)
        latitude, longitude = site.latitude, site.longitude
        name = f"{site.city} Fulfillment Center"
        if round_:
            name += f" {round_ + 1}"
            latitude += rng.uniform(-0.15, 0.15)
            longitude += rng.uniform(-0.15, 0.15)
        warehouses.append(
            WarehouseRecord(
                id=index + 1,
                name=name,
                region=site.region,
                latitude=round(latitude, 4),
                longitude=round(longitude, 4),
            )
        )
    return warehouses


def generate_items(
    count: int, *, warehouse_ids: Iterable[int], seed: int = 0, first_id: int = 1
) -> Iterator[ItemRecord]:
    """Yield items `first_id .. first_id + count - 1`, stocked across `warehouse_ids`."""
    ids = tuple(sorted(set(warehouse_ids)))
    if not ids:
        raise ValueError("items need at least one warehouse to be stocked in")
    if first_id < 1 or first_id + count - 1 > MAX_ITEMS:
        raise ValueError(f"item ids must lie in 1..{MAX_ITEMS} to get unique names")
    for item_id in range(first_id, first_id + count):
        yield generate_item(item_id, seed=seed, warehouse_ids=ids)


def generate_item(item_id: int, *, seed: int, warehouse_ids: tuple[int, ...]) -> ItemRecord:
    # A string seed is hashed (SHA-512) by `random`, so (seed, id) pairs never collide.
    rng = random.Random(f"{seed}:{item_id}")
    kind = rng.choices(PRODUCT_TYPES, cum_weights=_CUMULATIVE_WEIGHTS)[0]
    brand = rng.choice(kind.brands)
    chosen = {a.key: rng.choice(a.values) for a in kind.attributes}
    words = _template_words(rng, kind, brand, chosen)
    name = f"{_tidy(kind.name.format_map(words))}, Model {model_number(item_id)}"
    return ItemRecord(
        id=item_id,
        sku=f"{kind.code}-{item_id:07d}",
        name=name,
        description=_description(rng, kind, words),
        category=kind.category,
        brand=brand,
        price=_price_cents(rng, kind, chosen.values()),
        stock_by_warehouse=_stock(rng, warehouse_ids),
        drawing=DemoDrawing(kind.category, words.get("colour"), name),
        demo_reviews=demo_review_stars(seed, item_id),
    )


def model_number(item_id: int) -> str:
    """The item's own model number ("QX4821"): different for every id in 1..MAX_ITEMS."""
    position = item_id * _MODEL_MULTIPLIER % MAX_ITEMS
    letters, digits = divmod(position, 10_000)
    first, second = divmod(letters, 26)
    return f"{chr(65 + first)}{chr(65 + second)}{digits:04d}"


def _template_words(rng: random.Random, kind: ProductType, brand: str, chosen: dict) -> dict:
    words = {
        "brand": brand,
        "noun": kind.noun,
        "feature": rng.choice(kind.features),
        "model": _model_name(rng),
    }
    words.update((key, label(value)) for key, value in chosen.items())
    words.update({f"{key}_lower": text.lower() for key, text in list(words.items())})
    return words


def _model_name(rng: random.Random) -> str:
    series = rng.choice(MODEL_SERIES)
    number = rng.randint(2, 9)
    style = rng.randrange(3)
    model = (f"{series} {number}", f"{series} {number}00", f"{series} X{number}")[style]
    return model + rng.choice(MODEL_SUFFIXES)


def _tidy(text: str) -> str:
    # An empty feature leaves a double space behind.
    return " ".join(text.split())


def _description(rng: random.Random, kind: ProductType, words: dict) -> str:
    """2-4 sentences: at least one about the product type, then category boilerplate."""
    general = CATEGORY_SENTENCES.get(kind.category, ())
    wanted = rng.randint(2, 4)
    specific_count = min(len(kind.blurbs), max(1, wanted - rng.randint(1, 2)))
    general_count = min(len(general), wanted - specific_count)
    sentences = rng.sample(kind.blurbs, specific_count) + rng.sample(general, general_count)
    return " ".join(sentence.format_map(words) for sentence in sentences)


def _price_cents(rng: random.Random, kind: ProductType, chosen_values: Iterable) -> int:
    low, high = kind.price
    # Log-uniform: cheap variants are as common as premium ones across a price decade.
    dollars = math.exp(rng.uniform(math.log(low), math.log(high)))
    for value in chosen_values:
        dollars *= price_factor(value)
    whole = max(1, int(dollars))
    if whole < 10:
        return whole * 100 + rng.choice((29, 49, 79, 99))
    if whole >= 100:
        whole = whole // 10 * 10 + 9  # $349.99, not $343.99
    return whole * 100 + 99


def _stock(rng: random.Random, warehouse_ids: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    spread = rng.choices(*_WAREHOUSE_SPREAD)[0]
    chosen = sorted(rng.sample(warehouse_ids, min(spread, len(warehouse_ids))))
    roll = rng.random()
    if roll < OUT_OF_STOCK_SHARE:
        # Sold out everywhere, but the rows stay: a restock lands in a known warehouse.
        return tuple((warehouse_id, 0) for warehouse_id in chosen)
    if roll < OUT_OF_STOCK_SHARE + LOW_STOCK_SHARE:
        units = dict.fromkeys(chosen, 0)
        for _ in range(rng.randint(1, LOW_STOCK_MAX)):
            units[rng.choice(chosen)] += 1
        return tuple(units.items())
    return tuple(
        (warehouse_id, min(MAX_UNITS_PER_WAREHOUSE, 6 + int(rng.expovariate(1 / 60))))
        for warehouse_id in chosen
    )
