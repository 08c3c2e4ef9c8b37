"""A small hand-crafted catalogue whose every answer the web tests know in advance.

Prices and ratings repeat on purpose (ties exercise the item_id tie-break behind
cursors), some brands look like filter syntax (they must only ever be literal
values), and stock covers out / low / plenty.
"""

from __future__ import annotations

from catalog.demo_drawing import DemoDrawing
from catalog.records import ItemRecord, WarehouseRecord

WAREHOUSES = [
    WarehouseRecord(1, "Seattle", "Seattle, WA, US", 47.61, -122.33),
    WarehouseRecord(2, "Newark", "Newark, NJ, US", 40.74, -74.17),
]

HOSTILE_BRANDS = ("Or || Else", "Colon: Labs", "Comma, Inc", "Parens (Co) && Sons")

# (name, category, brand, price cents, rating, units in stock); the rating is what ten
# demo reviews average to (`_stars`): ratings come only from reviews.
_ROWS = [
    ("Wireless Headphones Pro", "Audio", "SoundMax", 19999, 4.7, 40),
    ("Wireless Noise Cancelling Headphones", "Audio", "Acme", 24999, 4.5, 3),
    ("Wireless Over-Ear Headphones", "Audio", "Or || Else", 8999, 4.1, 12),
    ("Wireless Sport Headphones", "Audio", "Colon: Labs", 5999, 3.9, 0),
    ("Kids Wireless Headphones", "Audio", "Northwind", 2999, 4.1, 25),
    ("Wired Studio Headphones", "Audio", "SoundMax", 8999, 4.4, 7),
    ("Wired Gaming Headset", "Audio", "Parens (Co) && Sons", 4999, 3.8, 9),
    ("Portable Bluetooth Speaker", "Audio", "SoundMax", 4999, 4.1, 60),
    ("Waterproof Shower Speaker", "Audio", "Comma, Inc", 1999, 3.5, 14),
    ("Bookshelf Speaker Pair", "Audio", "Acme", 12999, 4.6, 2),
    ("True Wireless Earbuds", "Audio", "Northwind", 7999, 4.1, 30),
    ("Budget Earbuds", "Audio", "Comma, Inc", 999, 3.2, 100),
    ("Electric Kettle 1.7L", "Kitchen", "Acme", 3999, 4.5, 20),
    ("Glass Electric Kettle", "Kitchen", "Or || Else", 3999, 4.5, 0),
    ("Gooseneck Pour-Over Kettle", "Kitchen", "Northwind", 5999, 4.8, 4),
    ("Stovetop Whistling Kettle", "Kitchen", "Colon: Labs", 2499, 4.1, 18),
    ("Two-Slice Toaster", "Kitchen", "Acme", 2999, 3.9, 22),
    ("Four-Slice Toaster", "Kitchen", "Acme", 4999, 4.1, 0),
    ("Chef Knife 8 inch", "Kitchen", "Parens (Co) && Sons", 6999, 4.7, 11),
    ("Paring Knife Set", "Kitchen", "Comma, Inc", 1999, 4.1, 40),
    ("Cast Iron Skillet", "Kitchen", "Northwind", 3499, 4.9, 8),
    ("Commuter Backpack", "Bags", "Northwind", 7999, 4.4, 16),
    ("Hiking Backpack 40L", "Bags", "Or || Else", 11999, 4.6, 5),
    ("Laptop Backpack", "Bags", "Acme", 5999, 4.1, 27),
    ("Kids School Backpack", "Bags", "Comma, Inc", 2999, 4.0, 0),
    ("Rolling Backpack", "Bags", "Colon: Labs", 8999, 3.7, 6),
    ("Weekend Duffel Bag", "Bags", "Northwind", 6999, 4.1, 13),
    ("Gym Duffel Bag", "Bags", "SoundMax", 3999, 3.9, 21),
    ("The Silent Harbour (novel)", "Books", "Colon: Labs", 1499, 4.3, 50),
    ("Winter of Lanterns (novel)", "Books", "Or || Else", 1299, 4.1, 45),
    ("Midnight Orchard (novel)", "Books", "Comma, Inc", 1499, 4.1, 1),
    ("Salt and Ember (novel)", "Books", "Acme", 1699, 4.5, 33),
    ("Weeknight Dinners Cookbook", "Books", "Northwind", 2499, 4.7, 19),
    ("Baking Bread Cookbook", "Books", "Parens (Co) && Sons", 2799, 4.1, 0),
    ("Two-Person Dome Tent", "Outdoors", "Northwind", 14999, 4.2, 9),
    ("Ultralight Backpacking Tent", "Outdoors", "Or || Else", 29999, 4.8, 2),
    ("Family Camping Tent", "Outdoors", "Acme", 24999, 4.1, 4),
    ("Down Sleeping Bag", "Outdoors", "Colon: Labs", 17999, 4.6, 7),
    ("Summer Sleeping Bag", "Outdoors", "Comma, Inc", 4999, 4.1, 35),
    ("Kids Sleeping Bag", "Outdoors", "Northwind", 3999, 4.1, 0),
    ("Headlamp 300 Lumen", "Outdoors", "Parens (Co) && Sons", 1999, 4.4, 55),
    ("Insulated Water Bottle", "Outdoors", "SoundMax", 2499, None, 80),  # no reviews yet
]

_DESCRIPTIONS = {
    "Audio": "Clear sound, deep bass and a comfortable fit for all-day listening.",
    "Kitchen": "Built to last in a busy kitchen; easy to clean and a joy to use.",
    "Bags": "Tough fabric, smart pockets and comfortable straps for every trip.",
    "Books": "A reader favourite, printed on sturdy paper with a matte cover.",
    "Outdoors": "Light, packable and ready for weekends outside in any weather.",
}


def _stars(rating: float | None) -> tuple[int, ...]:
    """Ten reviews' stars whose average is exactly `rating` (4.7: seven 5s, three 4s)."""
    if rating is None:
        return ()
    total = round(rating * 10)
    base, higher = divmod(total, 10)
    return (base + 1,) * higher + (base,) * (10 - higher)


ITEMS = [
    ItemRecord(
        id=index,
        sku=f"WEB-{index:04d}",
        name=name,
        description=_DESCRIPTIONS[category],
        category=category,
        brand=brand,
        price=price,
        stock_by_warehouse=((1, stock),),
        demo_reviews=_stars(rating),
        # Books have no picture: their cards keep the placeholder.
        drawing=None if category == "Books" else DemoDrawing(category, None, name),
    )
    for index, (name, category, brand, price, rating, stock) in enumerate(_ROWS, start=1)
]

BY_ID = {item.id: item for item in ITEMS}
WITHOUT_PICTURE = {item.id for item in ITEMS if item.picture is None}
WIRELESS_HEADPHONES = {
    item.id for item in ITEMS if "Wireless" in item.name and "Headphones" in item.name
}
