"""Everything the catalogue generator knows about what a store sells.

Product types, brands, attribute values and sentence templates live in one data module
per group of categories; this module only gathers them.
"""

from __future__ import annotations

from catalog.vocabulary import apparel, electronics, home, leisure, supplies
from catalog.vocabulary.model import Attribute, ProductType, label, price_factor

PRODUCT_TYPES: tuple[ProductType, ...] = (
    electronics.PRODUCT_TYPES
    + home.PRODUCT_TYPES
    + leisure.PRODUCT_TYPES
    + apparel.PRODUCT_TYPES
    + supplies.PRODUCT_TYPES
)

# Sentences true of anything in the category, mixed into descriptions.
CATEGORY_SENTENCES: dict[str, tuple[str, ...]] = {
    electronics.CATEGORY: electronics.SENTENCES,
    **home.SENTENCES,
    **leisure.SENTENCES,
    **apparel.SENTENCES,
    **supplies.SENTENCES,
}

# Product lines brands give their models ("Sonora Pulse 300 ...").
MODEL_SERIES: tuple[str, ...] = (
    "Pulse",
    "Aero",
    "Nova",
    "Vector",
    "Zen",
    "Edge",
    "Prime",
    "Flex",
    "Core",
    "Terra",
    "Quantum",
    "Echo",
    "Halo",
    "Apex",
    "Orion",
    "Lyra",
    "Summit",
    "Drift",
    "Atlas",
    "Vibe",
)
MODEL_SUFFIXES: tuple[str, ...] = ("", "", "", " Pro", " Max", " Lite", " Plus", " SE", " Ultra")

CATEGORIES: tuple[str, ...] = tuple(dict.fromkeys(t.category for t in PRODUCT_TYPES))

__all__ = [
    "Attribute",
    "CATEGORIES",
    "CATEGORY_SENTENCES",
    "MODEL_SERIES",
    "MODEL_SUFFIXES",
    "PRODUCT_TYPES",
    "ProductType",
    "label",
    "price_factor",
]
