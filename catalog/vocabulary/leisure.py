"""Sports & Outdoors, Toys & Games, Books."""

from __future__ import annotations

from catalog.vocabulary.model import ProductType, attr

SPORTS = "Sports & Outdoors"
TOYS = "Toys & Games"
BOOKS = "Books"

SENTENCES = {
    SPORTS: (
        "Field-tested by athletes and weekend adventurers alike.",
        "Backed by a lifetime guarantee against manufacturing defects.",
        "Packs down small for travel.",
    ),
    TOYS: (
        "Meets or exceeds all US and EU toy safety standards.",
        "Makes a great birthday or holiday gift.",
        "Batteries not included.",
    ),
    BOOKS: (
        "A New York Times bestseller.",
        "Now a major streaming series.",
        "Winner of the National Book Critics Circle Award.",
        "Includes a reading group guide.",
    ),
}

BOOK_ADJECTIVES = attr(
    "adjective",
    "Silent",
    "Last",
    "Hidden",
    "Midnight",
    "Burning",
    "Forgotten",
    "Salt",
    "Winter",
    "Golden",
    "Broken",
)
BOOK_NOUNS = attr(
    "thing",
    "Harbor",
    "Orchard",
    "Lighthouse",
    "Garden",
    "River",
    "Kingdom",
    "Archive",
    "Station",
    "Mountain",
    "Tide",
)
AUTHOR_FIRST = attr(
    "first",
    "Amelia",
    "Daniel",
    "Priya",
    "Jonah",
    "Elena",
    "Marcus",
    "Hana",
    "Oliver",
    "Nadia",
    "Samuel",
)
AUTHOR_LAST = attr(
    "last",
    "Whitaker",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Castillo",
    "Brennan",
    "Ishikawa",
    "Holloway",
)
BOOK_FORMAT = attr("format", "Paperback", ("Hardcover", 1.6), ("Large Print", 1.3))

PRODUCT_TYPES = (
    ProductType(
        SPORTS,
        "YGM",
        "Yoga Mat",
        brands=("Summit Athletics", "Lotus & Lark", "Peakform"),
        price=(15, 99),
        name="{brand} {feature} Yoga Mat, {thickness}, {colour}",
        attributes=(
            attr("thickness", "4mm", ("6mm", 1.15), ("8mm", 1.3)),
            attr("colour", "Sage", "Plum", "Charcoal", "Ocean", "Sand"),
        ),
        features=("Non-Slip", "Eco-Friendly TPE", "Cork", "Extra Thick"),
        blurbs=(
            "A textured, non-slip surface grips even in hot yoga.",
            "Comes with a carrying strap.",
            "Free of latex, PVC and phthalates.",
        ),
        weight=6,
    ),
    ProductType(
        SPORTS,
        "DMB",
        "Dumbbell Set",
        brands=("Ironpeak", "Peakform", "Summit Athletics"),
        price=(29, 299),
        name="{brand} {feature} Dumbbell Set, {load}",
        attributes=(attr("load", "2 x 10 lb", ("2 x 25 lb", 1.8), ("5-52.5 lb", 3.5)),),
        features=("Adjustable", "Hex Rubber", "Neoprene"),
        blurbs=(
            "Knurled chrome handles give a secure grip set after set.",
            "Replaces a whole rack of weights in a corner of your room.",
        ),
        weight=5,
    ),
    ProductType(
        SPORTS,
        "TNT",
        "Camping Tent",
        brands=("Trailhead", "Northwind Outdoors", "Alpenglow"),
        price=(59, 449),
        name="{brand} {feature} Camping Tent, {people}-Person",
        attributes=(attr("people", "2", ("4", 1.4), ("6", 1.8)),),
        features=("Instant", "Backpacking", "Dome", "3-Season"),
        blurbs=(
            "Sets up in under five minutes with colour-coded poles.",
            "A full rainfly and taped seams keep you dry in a downpour.",
            "Sleeps {people} with room for gear in the vestibule.",
        ),
        weight=5,
    ),
    ProductType(
        SPORTS,
        "BTL",
        "Insulated Water Bottle",
        # A brand named after another product type (docs/search.md, "Relevance").
        brands=("Trailhead", "Hydrova", "Alpenglow", "Backpack Outfitters"),
        price=(15, 49),
        name="{brand} {feature} Insulated Water Bottle, {size}, {colour}",
        attributes=(
            attr("size", "18 oz", ("32 oz", 1.2), ("40 oz", 1.35)),
            attr("colour", "Glacier", "Black", "Coral", "Moss", "Stone"),
        ),
        features=("Stainless Steel", "Wide Mouth", "Leakproof"),
        blurbs=(
            "Double-wall vacuum insulation keeps drinks cold for 24 hours or hot for 12.",
            "Dishwasher safe and free of BPA.",
        ),
        weight=6,
    ),
    ProductType(
        SPORTS,
        "BPK",
        "Hiking Backpack",
        brands=("Trailhead", "Alpenglow", "Northwind Outdoors"),
        price=(39, 249),
        name="{brand} {feature} Hiking Backpack, {volume}, {colour}",
        attributes=(
            attr("volume", "28L", ("40L", 1.3), ("65L", 1.8)),
            attr("colour", "Forest", "Slate", "Rust", "Black"),
        ),
        features=("Lightweight", "Waterproof", "Ventilated"),
        blurbs=(
            "An adjustable, ventilated back panel carries heavy loads comfortably.",
            "Hydration-sleeve compatible with a built-in rain cover.",
        ),
        weight=4,
    ),
    ProductType(
        TOYS,
        "BLK",
        "Building Blocks Set",
        brands=("Brickworks", "Tinker Town", "Little Architects"),
        price=(14, 199),
        name="{brand} {theme} Building Blocks Set, {pieces} Pieces",
        attributes=(
            attr(
                "theme", "Space Station", "Castle", "City Fire Station", "Pirate Ship", "Race Car"
            ),
            attr("pieces", "250", ("600", 2.0), ("1200", 3.5)),
        ),
        blurbs=(
            "{pieces} pieces and step-by-step instructions for hours of creative play.",
            "Compatible with all major brick brands.",
            "Recommended for ages 8 and up.",
        ),
        weight=6,
    ),
    ProductType(
        TOYS,
        "BGM",
        "Board Game",
        brands=("Meeple & Co.", "Tabletop Tales", "Rollwell Games"),
        price=(15, 69),
        name="{brand} {adjective} {thing}: The {feature} Board Game",
        attributes=(BOOK_ADJECTIVES, BOOK_NOUNS),
        features=("Strategy", "Family", "Cooperative", "Party"),
        blurbs=(
            "For 2 to 6 players, ages 10 and up; a game takes about 45 minutes.",
            "Easy to learn in one round, deep enough to play for years.",
        ),
        weight=5,
    ),
    ProductType(
        TOYS,
        "PZL",
        "Jigsaw Puzzle",
        brands=("Puzzlecraft", "Tabletop Tales"),
        price=(12, 39),
        name="{brand} {pieces}-Piece Jigsaw Puzzle, {scene}",
        attributes=(
            attr("pieces", "500", ("1000", 1.3), ("2000", 1.7)),
            attr(
                "scene",
                "Alpine Village",
                "Coral Reef",
                "Vintage Map",
                "Autumn Forest",
                "Night Market",
            ),
        ),
        blurbs=(
            "Thick, precision-cut pieces fit snugly with no false fits.",
            "Printed on recycled board with vegetable-based inks.",
        ),
        weight=4,
    ),
    ProductType(
        TOYS,
        "RCC",
        "Remote Control Car",
        brands=("Turbotrax", "Tinker Town"),
        price=(25, 149),
        name="{brand} {feature} Remote Control Car, 1:{scale} Scale, {colour}",
        attributes=(
            attr("scale", "16", ("10", 1.6)),
            attr("colour", "Red", "Blue", "Lime", "Orange"),
        ),
        features=("Off-Road", "High-Speed", "Monster Truck", "Drift"),
        blurbs=(
            "Reaches 20 mph and climbs over grass, gravel and sand.",
            "Two rechargeable batteries give 40 minutes of driving.",
        ),
        weight=4,
    ),
    ProductType(
        BOOKS,
        "NOV",
        "Novel",
        brands=("Harbor House Press", "Larkspur Books", "Penrose & Vale"),
        price=(9, 19),
        name="The {adjective} {thing}: A Novel, {format}",
        attributes=(BOOK_ADJECTIVES, BOOK_NOUNS, BOOK_FORMAT, AUTHOR_FIRST, AUTHOR_LAST),
        blurbs=(
            "The new novel from {first} {last}, author of three bestselling thrillers.",
            "A sweeping story of family, secrets and second chances.",
            "When a letter arrives at the {thing_lower}, nothing in town will ever be the same.",
        ),
        weight=8,
    ),
    ProductType(
        BOOKS,
        "CKB",
        "Cookbook",
        brands=("Larkspur Books", "Saltbox Press"),
        price=(14, 29),
        name="{feature}: {count} Recipes for Every Day, {format}",
        attributes=(attr("count", "75", "100", "125"), BOOK_FORMAT, AUTHOR_FIRST, AUTHOR_LAST),
        features=(
            "Weeknight Vegetarian",
            "The Bread Book",
            "One-Pan Dinners",
            "Mediterranean at Home",
            "Air Fryer Everyday",
        ),
        blurbs=(
            "{first} {last} shares {count} tested recipes with full-colour photographs.",
            "Shopping lists and make-ahead tips make cooking on a weeknight easy.",
        ),
        weight=4,
    ),
    ProductType(
        BOOKS,
        "KID",
        "Children's Picture Book",
        brands=("Little Lantern", "Penrose & Vale"),
        price=(6, 18),
        name="The {adjective} {thing} (Picture Book), {format}",
        attributes=(BOOK_ADJECTIVES, BOOK_NOUNS, BOOK_FORMAT, AUTHOR_FIRST, AUTHOR_LAST),
        blurbs=(
            "A warm, funny bedtime story by {first} {last}, for ages 3 to 6.",
            "Bright illustrations on every page invite little readers to spot new details.",
        ),
        weight=4,
    ),
)
