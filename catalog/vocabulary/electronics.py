"""Electronics: the category shoppers search most, so it gets the most product types."""

from __future__ import annotations

from catalog.vocabulary.model import ProductType, attr

CATEGORY = "Electronics"

TECH_COLOURS = attr(
    "colour", "Black", "White", "Silver", "Space Grey", "Midnight Blue", "Rose Gold"
)

SENTENCES = (
    "Includes a 1-year limited manufacturer warranty.",
    "Firmware updates add features over time through the companion app.",
    "Ships in recyclable, plastic-free packaging.",
    "Compatible with iOS, Android and Windows devices.",
    "Backed by 24/7 customer support and a 30-day return window.",
)

PRODUCT_TYPES = (
    ProductType(
        CATEGORY,
        "WHP",
        "Wireless Headphones",
        brands=("Sonora", "Auralis", "Northwind Audio", "Bassline", "Kestrel"),
        price=(29, 349),
        name="{brand} {model} {feature} Wireless Headphones, {style}, {colour}",
        attributes=(
            attr("style", "Over-Ear", ("On-Ear", 0.85)),
            TECH_COLOURS,
            attr("hours", "30", "40", "60"),
        ),
        features=("Noise-Cancelling", "Bluetooth 5.3", "Hi-Res Audio", "Foldable", "Studio"),
        blurbs=(
            "Active noise cancellation blocks out engines, traffic and office chatter.",
            "Up to {hours} hours of playback on a single charge, with fast charging for 3 more hours in 10 minutes.",
            "Memory-foam {style_lower} cushions stay comfortable through long listening sessions.",
            "Multipoint Bluetooth switches between your phone and laptop automatically.",
        ),
        weight=30,
    ),
    ProductType(
        CATEGORY,
        "EAR",
        "Wireless Earbuds",
        # "Headphones Direct" makes earbuds, not headphones: the brand alone must not
        # make them rank as headphones (docs/search.md, "Relevance").
        brands=("Sonora", "Auralis", "Bassline", "Pipit", "Headphones Direct"),
        price=(19, 249),
        name="{brand} {model} {feature} True Wireless Earbuds, {colour}",
        attributes=(TECH_COLOURS, attr("hours", "24", "30", "36")),
        features=("Noise-Cancelling", "Sport", "Bluetooth 5.3", "Waterproof"),
        blurbs=(
            "A pocket-sized charging case adds up to {hours} hours of listening.",
            "IPX5 sweat and water resistance makes them ready for the gym or a run in the rain.",
            "Three sizes of silicone tips give a secure, comfortable fit.",
        ),
        weight=20,
    ),
    ProductType(
        CATEGORY,
        "LAP",
        "Laptop",
        brands=("Northwind", "Vertex", "Lumina", "Corvid Computing"),
        price=(399, 1899),
        name='{brand} {model} {screen}" {feature} Laptop, {memory} RAM, {storage} SSD, {colour}',
        attributes=(
            attr("screen", "13.3", "14", ("15.6", 1.1), ("16", 1.2)),
            attr("memory", "8GB", ("16GB", 1.2), ("32GB", 1.5)),
            attr("storage", "256GB", ("512GB", 1.1), ("1TB", 1.3)),
            attr("colour", "Silver", "Space Grey", "Black"),
            attr("hours", "10", "14", "18", "22"),
        ),
        features=("Ultrathin", "Gaming", "2-in-1", "Business", "Creator"),
        blurbs=(
            "A {screen}-inch anti-glare display with slim bezels makes room for more of your work.",
            "{memory} of memory keeps dozens of browser tabs and apps responsive.",
            "The backlit keyboard and glass trackpad are built for all-day typing.",
            "All-day battery life of up to {hours} hours, with USB-C fast charging.",
        ),
        weight=15,
    ),
    ProductType(
        CATEGORY,
        "PHN",
        "Smartphone",
        brands=("Vertex", "Lumina", "Orbit Mobile", "Kestrel"),
        price=(149, 1099),
        name="{brand} {model} 5G Smartphone, {storage}, {colour}, Unlocked",
        attributes=(
            attr("storage", "128GB", ("256GB", 1.15), ("512GB", 1.35)),
            attr("colour", "Graphite", "Starlight", "Ocean Blue", "Sage Green", "Black"),
        ),
        blurbs=(
            "A 6.5-inch OLED display with a 120Hz refresh rate makes scrolling silky smooth.",
            "The triple-lens camera captures sharp photos in low light and 4K video.",
            "{storage} of storage holds thousands of photos, apps and songs.",
            "Works with all major carriers; eSIM and dual SIM supported.",
        ),
        weight=15,
    ),
    ProductType(
        CATEGORY,
        "TVS",
        "Smart TV",
        brands=("Lumina", "Vistara", "Northwind", "Orbit"),
        price=(199, 999),
        name='{brand} {size}" Class {feature} 4K UHD Smart TV with HDR',
        attributes=(attr("size", "43", ("50", 1.2), ("55", 1.4), ("65", 1.9), ("75", 2.6)),),
        features=("QLED", "LED", "OLED", "Mini-LED"),
        blurbs=(
            "A {size}-inch 4K panel with HDR10 and Dolby Vision brings out detail in bright and dark scenes.",
            "Built-in streaming apps and voice search find shows without a separate box.",
            "Three HDMI inputs, one with eARC, connect your console and soundbar.",
        ),
        weight=10,
    ),
    ProductType(
        CATEGORY,
        "SPK",
        "Bluetooth Speaker",
        brands=("Sonora", "Bassline", "Auralis", "Driftwood Audio"),
        price=(19, 249),
        name="{brand} {model} {feature} Portable Bluetooth Speaker, {colour}",
        attributes=(
            attr("colour", "Black", "Teal", "Coral", "Stone Grey", "Forest Green"),
            attr("hours", "12", "16", "24"),
        ),
        features=("Waterproof", "Rugged", "Party", "Mini"),
        blurbs=(
            "360-degree sound fills a patio or a campsite.",
            "Rated IP67: it survives a drop in the pool and a roll in the sand.",
            "Up to {hours} hours of battery; pair two speakers for stereo.",
        ),
        weight=10,
    ),
    ProductType(
        CATEGORY,
        "WCH",
        "Smartwatch",
        brands=("Orbit", "Vertex", "Pulsefit", "Kestrel"),
        price=(49, 449),
        name="{brand} {model} {feature} Smartwatch, {case}mm, {colour} Band",
        attributes=(
            attr("case", "41", ("45", 1.1)),
            attr("colour", "Black", "White", "Navy", "Olive", "Blush"),
            attr("hours", "36", "48", "72"),
        ),
        features=("Fitness", "GPS", "AMOLED", "Hybrid"),
        blurbs=(
            "Tracks heart rate, sleep, blood oxygen and over 100 workout types.",
            "Built-in GPS maps your runs and rides without your phone.",
            "Up to {hours} hours of battery life with the always-on display off.",
        ),
        weight=10,
    ),
    ProductType(
        CATEGORY,
        "TAB",
        "Tablet",
        brands=("Vertex", "Lumina", "Orbit Mobile"),
        price=(99, 899),
        name='{brand} {model} {screen}" Tablet, {storage}, Wi-Fi, {colour}',
        attributes=(
            attr("screen", "8.7", ("10.9", 1.2), ("12.9", 1.6)),
            attr("storage", "64GB", ("128GB", 1.15), ("256GB", 1.3)),
            attr("colour", "Silver", "Space Grey", "Sky Blue"),
        ),
        blurbs=(
            "A bright {screen}-inch display for reading, drawing and streaming.",
            "Supports a stylus and keyboard cover for note-taking on the go.",
            "Quad speakers and a front camera on the landscape edge make video calls natural.",
        ),
        weight=8,
    ),
    ProductType(
        CATEGORY,
        "SSD",
        "Portable SSD",
        brands=("Corvid", "Datavault", "Northwind"),
        price=(49, 129),
        name="{brand} {model} Portable SSD, {capacity}, USB-C, up to 1050MB/s",
        attributes=(attr("capacity", "500GB", ("1TB", 1.5), ("2TB", 2.4), ("4TB", 4.2)),),
        blurbs=(
            "Moves a 4K film in seconds over USB-C 3.2.",
            "Drop-resistant up to 2 metres with a rubberised shell.",
            "Hardware encryption with password protection keeps your files private.",
        ),
        weight=8,
    ),
    ProductType(
        CATEGORY,
        "CHG",
        "USB-C Charger",
        brands=("Voltix", "Corvid", "Amperly"),
        price=(12, 69),
        name="{brand} {wattage} GaN USB-C Charger, {ports}-Port, Foldable Plug",
        attributes=(
            attr("wattage", "30W", ("65W", 1.5), ("100W", 2.1), ("140W", 2.6)),
            attr("ports", "1", "2", "3"),
        ),
        blurbs=(
            "Gallium-nitride design is half the size of a standard {wattage} brick.",
            "Charges a laptop, phone and earbuds at once with smart power sharing.",
            "Protects against overheating, overcurrent and short circuits.",
        ),
        weight=8,
    ),
)
