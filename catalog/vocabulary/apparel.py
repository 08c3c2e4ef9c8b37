"""Clothing, Shoes & Jewelry and Beauty & Personal Care."""

from __future__ import annotations

from catalog.vocabulary.model import ProductType, attr

CLOTHING = "Clothing, Shoes & Jewelry"
BEAUTY = "Beauty & Personal Care"

SENTENCES = {
    CLOTHING: (
        "Machine wash cold, tumble dry low.",
        "Free exchanges on sizes within 30 days.",
        "Made in a Fair Trade Certified factory.",
    ),
    BEAUTY: (
        "Dermatologist tested and cruelty free.",
        "Free of parabens, sulfates and synthetic fragrance.",
        "Recyclable packaging made from 50% post-consumer plastic.",
    ),
}

SIZES = attr("size", "XS", "S", "M", "L", "XL", "XXL")
FIT = attr("fit", "Men's", "Women's", "Unisex")
CLOTHING_COLOURS = attr(
    "colour", "Black", "Heather Grey", "Navy", "Olive", "Burgundy", "White", "Dusty Rose"
)

PRODUCT_TYPES = (
    ProductType(
        CLOTHING,
        "TEE",
        "T-Shirt",
        brands=("Northwind Apparel", "Threadline", "Common Cotton", "Harbor & Pine"),
        price=(9, 39),
        name="{brand} {fit} {feature} T-Shirt, {colour}, {size}",
        attributes=(FIT, CLOTHING_COLOURS, SIZES),
        features=(
            "Organic Cotton Crew-Neck",
            "Slim-Fit V-Neck",
            "Performance",
            "Heavyweight Pocket",
        ),
        blurbs=(
            "Soft, breathable cotton that keeps its shape wash after wash.",
            "A tagless collar means nothing scratches.",
        ),
        weight=10,
    ),
    ProductType(
        CLOTHING,
        "JNS",
        "Jeans",
        brands=("Threadline", "Denim Republic", "Harbor & Pine"),
        price=(29, 119),
        name="{brand} {fit} {feature} Jeans, {wash}, {waist}W x {inseam}L",
        attributes=(
            attr("fit", "Men's", "Women's"),
            attr("wash", "Dark Indigo", "Light Wash", "Black", "Stone Wash"),
            attr("waist", "28", "30", "32", "34", "36", "38"),
            attr("inseam", "30", "32", "34"),
        ),
        features=("Slim-Fit Stretch", "Straight-Leg", "Relaxed-Fit", "High-Rise Skinny"),
        blurbs=(
            "Stretch denim with a touch of elastane moves with you all day.",
            "Classic five-pocket styling with reinforced seams.",
        ),
        weight=8,
    ),
    ProductType(
        CLOTHING,
        "RUN",
        "Running Shoes",
        brands=("Stridewell", "Peakform", "Swiftfoot"),
        price=(49, 179),
        name="{brand} {fit} {model} {feature} Running Shoes, {colour}, Size {shoe}",
        attributes=(
            attr("fit", "Men's", "Women's"),
            attr("colour", "Black/White", "Grey/Volt", "Navy/Orange", "White/Pink", "Triple Black"),
            attr("shoe", "6", "7", "8", "9", "10", "11", "12"),
        ),
        features=("Cushioned", "Trail", "Lightweight", "Stability"),
        blurbs=(
            "A responsive foam midsole returns energy with every stride.",
            "Engineered mesh uppers keep feet cool on long runs.",
            "A durable rubber outsole grips wet pavement.",
        ),
        weight=8,
    ),
    ProductType(
        CLOTHING,
        "HDY",
        "Hoodie",
        brands=("Common Cotton", "Northwind Apparel", "Threadline"),
        price=(25, 79),
        name="{brand} {fit} {feature} Hoodie, {colour}, {size}",
        attributes=(FIT, CLOTHING_COLOURS, SIZES),
        features=("Fleece Pullover", "Full-Zip", "Oversized"),
        blurbs=(
            "Brushed fleece inside, a kangaroo pocket outside.",
            "Ribbed cuffs and hem keep the warmth in.",
        ),
        weight=6,
    ),
    ProductType(
        CLOTHING,
        "JKT",
        "Rain Jacket",
        brands=("Alpenglow", "Trailhead", "Northwind Apparel"),
        price=(49, 229),
        name="{brand} {fit} {feature} Rain Jacket, {colour}, {size}",
        attributes=(FIT, attr("colour", "Black", "Navy", "Olive", "Red", "Mustard"), SIZES),
        features=("Waterproof Packable", "Insulated", "Lightweight Shell"),
        blurbs=(
            "A waterproof, breathable membrane with fully taped seams.",
            "Packs into its own pocket for travel.",
        ),
        weight=5,
    ),
    ProductType(
        CLOTHING,
        "WAT",
        "Watch",
        brands=("Marlowe & Finch", "Tempora", "Harbor & Pine"),
        price=(39, 399),
        name="{brand} {fit} {feature} Watch, {case}mm, {band} Strap",
        attributes=(
            attr("fit", "Men's", "Women's", "Unisex"),
            attr("case", "36", "40", "42"),
            attr("band", "Leather", "Stainless Mesh", "Nylon"),
        ),
        features=("Minimalist Quartz", "Automatic", "Chronograph", "Dive"),
        blurbs=(
            "Sapphire-coated crystal resists scratches.",
            "Water resistant to 50 metres.",
        ),
        weight=4,
    ),
    ProductType(
        BEAUTY,
        "MST",
        "Moisturizer",
        brands=("Lumiere Skin", "Dermagen", "Botanic Bay"),
        price=(9, 69),
        name="{brand} {feature} Face Moisturizer, {size}",
        attributes=(attr("size", "1.7 fl oz", ("3.4 fl oz", 1.6)),),
        features=("Hyaluronic Acid", "Oil-Free", "SPF 30", "Night Repair", "Vitamin C"),
        blurbs=(
            "Lightweight formula absorbs quickly and hydrates for 24 hours.",
            "Suitable for all skin types, including sensitive skin.",
        ),
        weight=6,
    ),
    ProductType(
        BEAUTY,
        "SHP",
        "Shampoo",
        brands=("Botanic Bay", "Silkroot", "Dermagen"),
        price=(6, 32),
        name="{brand} {feature} Shampoo, {size}",
        attributes=(attr("size", "12 fl oz", ("16 fl oz", 1.25), ("33.8 fl oz", 2.0)),),
        features=(
            "Moisturizing Argan Oil",
            "Clarifying",
            "Volumizing",
            "Anti-Dandruff",
            "Sulfate-Free",
        ),
        blurbs=(
            "Gently cleanses without stripping natural oils.",
            "Safe for colour-treated hair.",
        ),
        weight=6,
    ),
    ProductType(
        BEAUTY,
        "TBR",
        "Electric Toothbrush",
        brands=("Brightsmile", "Dentara", "Oralis"),
        price=(25, 199),
        name="{brand} {model} {feature} Electric Toothbrush, {colour}",
        attributes=(attr("colour", "White", "Black", "Pink", "Mint"),),
        features=("Sonic", "Rechargeable", "Smart Pressure-Sensor"),
        blurbs=(
            "Removes up to 10x more plaque than a manual toothbrush.",
            "A two-minute timer with 30-second pacing covers every quadrant.",
            "One charge lasts up to three weeks.",
        ),
        weight=5,
    ),
    ProductType(
        BEAUTY,
        "HDR",
        "Hair Dryer",
        brands=("Silkroot", "Aerolux", "Lumiere"),
        price=(29, 299),
        name="{brand} {model} {feature} Hair Dryer, {wattage}, {colour}",
        attributes=(
            attr("wattage", "1600W", ("1875W", 1.15)),
            attr("colour", "Black", "Rose Gold", "Ivory"),
        ),
        features=("Ionic", "Ceramic", "Travel", "Diffuser"),
        blurbs=(
            "Ionic technology cuts frizz and dries hair faster.",
            "Three heat settings, two speeds and a cool shot button.",
        ),
        weight=4,
    ),
)
