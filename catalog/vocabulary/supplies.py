"""Office Products, Automotive, Pet Supplies."""

from __future__ import annotations

from catalog.vocabulary.model import ProductType, attr

OFFICE = "Office Products"
AUTOMOTIVE = "Automotive"
PETS = "Pet Supplies"

SENTENCES = {
    OFFICE: (
        "Ideal for home offices, classrooms and shared workspaces.",
        "Backed by a 5-year limited warranty.",
        "Made with FSC-certified materials where possible.",
    ),
    AUTOMOTIVE: (
        "Fits most cars, trucks and SUVs.",
        "Backed by a 2-year limited warranty.",
        "Installs in minutes with no special tools.",
    ),
    PETS: (
        "Vet recommended.",
        "Made in the USA with globally sourced ingredients.",
        "Satisfaction guaranteed or your money back.",
    ),
}

PRODUCT_TYPES = (
    ProductType(
        OFFICE,
        "CHR",
        "Office Chair",
        brands=("Ergomax", "Deskwell", "Northwind Office"),
        price=(89, 599),
        name="{brand} {model} {feature} Office Chair, {colour}",
        attributes=(attr("colour", "Black", "Grey", "Navy", "White"),),
        features=("Ergonomic Mesh", "High-Back Executive", "Drafting", "Task"),
        blurbs=(
            "Adjustable lumbar support, armrests and seat depth fit almost any body.",
            "A breathable mesh back keeps you cool through long meetings.",
            "Rated for users up to 300 lb.",
        ),
        weight=5,
    ),
    ProductType(
        OFFICE,
        "DSK",
        "Standing Desk",
        brands=("Deskwell", "Ergomax", "Liftline"),
        price=(149, 699),
        name='{brand} {feature} Standing Desk, {width}" x 30", {colour} Top',
        attributes=(
            attr("width", "48", ("55", 1.15), ("63", 1.3)),
            attr("colour", "Walnut", "Oak", "White", "Black"),
        ),
        features=("Electric Height-Adjustable", "Dual-Motor", "Bamboo"),
        blurbs=(
            "Moves from sitting to standing in seconds with four memory presets.",
            "Anti-collision sensing stops the desk if it meets an obstacle.",
        ),
        weight=4,
    ),
    ProductType(
        OFFICE,
        "PEN",
        "Ballpoint Pens",
        brands=("Inkwell", "Scribe & Co.", "Papermill"),
        price=(4, 24),
        name="{brand} {feature} Ballpoint Pens, {tip} Point, {ink} Ink, {count}-Pack",
        attributes=(
            attr("tip", "Fine 0.5mm", "Medium 0.7mm", "Bold 1.0mm"),
            attr("ink", "Black", "Blue", "Assorted"),
            attr("count", "12", ("24", 1.7), ("60", 3.5)),
        ),
        features=("Retractable Gel", "Quick-Dry", "Smooth-Writing"),
        blurbs=(
            "Quick-drying ink resists smudging, even for left-handed writers.",
            "A comfortable rubber grip for long note-taking sessions.",
        ),
        weight=5,
    ),
    ProductType(
        OFFICE,
        "NTB",
        "Notebook",
        brands=("Papermill", "Scribe & Co.", "Inkwell"),
        price=(6, 29),
        name="{brand} {feature} Notebook, {size}, {ruling}, {pages} Pages",
        attributes=(
            attr("size", "A5", ("A4", 1.3)),
            attr("ruling", "Dotted", "Lined", "Grid", "Blank"),
            attr("pages", "120", ("192", 1.3)),
        ),
        features=("Hardcover", "Spiral", "Leather-Bound", "Recycled"),
        blurbs=(
            "Thick 100gsm paper takes fountain pen ink without bleed-through.",
            "Numbered pages, an index and a back pocket for loose notes.",
        ),
        weight=5,
    ),
    ProductType(
        OFFICE,
        "PRN",
        "Laser Printer",
        brands=("Printwell", "Northwind Office", "Corvid"),
        price=(99, 449),
        name="{brand} {model} {feature} Laser Printer, Wireless",
        features=("Monochrome", "Colour", "All-in-One", "Compact"),
        blurbs=(
            "Prints up to 30 pages per minute with automatic two-sided printing.",
            "Print from your phone with the mobile app or from any computer on your network.",
        ),
        weight=3,
    ),
    ProductType(
        AUTOMOTIVE,
        "DCM",
        "Dash Cam",
        brands=("Roadsight", "Drivewise", "Vantage Auto"),
        price=(39, 249),
        name="{brand} {model} {feature} Dash Cam, {resolution}",
        attributes=(attr("resolution", "1080p", ("2K", 1.3), ("4K", 1.7)),),
        features=("Front and Rear", "Wi-Fi", "Night Vision", "Mini"),
        blurbs=(
            "Records {resolution} video with a 140-degree wide-angle lens.",
            "Loop recording and a G-sensor lock footage automatically after an impact.",
        ),
        weight=4,
    ),
    ProductType(
        AUTOMOTIVE,
        "INF",
        "Tire Inflator",
        brands=("Drivewise", "Torqmax", "Roadsight"),
        price=(25, 99),
        name="{brand} {feature} Tire Inflator, {psi} PSI",
        attributes=(attr("psi", "120", ("150", 1.2)),),
        features=("Portable Cordless", "12V", "Digital"),
        blurbs=(
            "Set the target pressure and it stops automatically.",
            "Inflates a car tire from 30 to 36 PSI in about a minute.",
        ),
        weight=4,
    ),
    ProductType(
        AUTOMOTIVE,
        "JMP",
        "Jump Starter",
        brands=("Voltix", "Drivewise", "Amperly"),
        price=(49, 199),
        name="{brand} {amps} Peak Portable Jump Starter, {feature}",
        attributes=(attr("amps", "1000A", ("2000A", 1.4), ("3000A", 1.8)),),
        features=("with USB Power Bank", "with LED Flashlight", "for Gas and Diesel Engines"),
        blurbs=(
            "Starts a dead battery up to 20 times on a single charge.",
            "Spark-proof clamps with reverse-polarity protection.",
        ),
        weight=3,
    ),
    ProductType(
        AUTOMOTIVE,
        "MNT",
        "Car Phone Mount",
        brands=("Roadsight", "Gripwell", "Vantage Auto"),
        price=(9, 49),
        name="{brand} {feature} Car Phone Mount",
        features=("Magnetic Dashboard", "Air Vent", "Wireless Charging", "Windshield Suction"),
        blurbs=(
            "Holds phones up to 6.9 inches securely over bumpy roads.",
            "One-handed mounting and release.",
        ),
        weight=4,
    ),
    ProductType(
        PETS,
        "DGF",
        "Dry Dog Food",
        brands=("Pawsome", "Hearty Hound", "Wildtrail Pet"),
        price=(14, 79),
        name="{brand} {feature} Dry Dog Food, {recipe}, {bag}",
        attributes=(
            attr("recipe", "Chicken & Brown Rice", "Salmon & Sweet Potato", "Lamb & Oatmeal"),
            attr("bag", "5 lb", ("15 lb", 2.2), ("30 lb", 3.6)),
        ),
        features=("Grain-Free", "Adult", "Puppy", "Senior", "High-Protein"),
        blurbs=(
            "Real {recipe_lower} is the first ingredient.",
            "No corn, wheat, soy or artificial preservatives.",
        ),
        weight=4,
    ),
    ProductType(
        PETS,
        "LTR",
        "Cat Litter",
        brands=("Whisker Works", "Pawsome", "Cleanpaw"),
        price=(9, 34),
        name="{brand} {feature} Cat Litter, {bag}",
        attributes=(attr("bag", "10 lb", ("20 lb", 1.7), ("40 lb", 2.9)),),
        features=("Clumping Unscented", "Lightweight", "Multi-Cat", "Natural Pine"),
        blurbs=(
            "Tight clumps make scooping fast and easy.",
            "99% dust free with odour control that lasts a week.",
        ),
        weight=3,
    ),
    ProductType(
        PETS,
        "PBD",
        "Pet Bed",
        brands=("Hearty Hound", "Whisker Works", "Snugglepaw"),
        price=(19, 129),
        name="{brand} {feature} Pet Bed, {size}, {colour}",
        attributes=(
            attr("size", "Small", ("Medium", 1.3), ("Large", 1.7), ("X-Large", 2.2)),
            attr("colour", "Grey", "Tan", "Navy", "Sage"),
        ),
        features=("Orthopedic Memory Foam", "Calming Donut", "Bolster", "Cooling"),
        blurbs=(
            "A removable, machine-washable cover and a non-slip base.",
            "Supportive foam eases pressure on ageing joints.",
        ),
        weight=3,
    ),
)
