"""One row of an operator's product file: is it a product we can sell, and what exactly?

The schema (CSV columns or JSON Lines keys, see docs/catalog-import.md):

    sku          required, 1-32 of A-Z a-z 0-9 . _ -   (the key: an import upserts by it)
    name         required, at most 300 characters
    description  optional text
    price        required, a decimal amount in dollars: 19.99 (at most two decimals)
    brand        required, at most 100 characters
    category     required, at most 100 characters
    rating       optional, 0 to 5; checked, never stored (ratings come from reviews)
    imageURL     optional, an http:// or https:// URL of a picture (fetched by the import)
    imagePath    optional, a picture's path relative to the product file's folder
    stock.<warehouse>  optional, whole units in that warehouse (its id or its name)

Standard library only; the file reading is catalog/product_file.py, the database
catalog/import_sql.py (both driven by catalog/importer.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

SKU = re.compile(r"[A-Za-z0-9._-]{1,32}")
REQUIRED = ("sku", "name", "price", "brand", "category")
KNOWN = frozenset({*REQUIRED, "description", "rating", "imageURL", "imagePath"})
STOCK_PREFIX = "stock."
MAX_NAME, MAX_LABEL, MAX_DESCRIPTION, MAX_URL = 300, 100, 20_000, 2_000
MAX_PRICE_CENTS = 2**31 - 1  # items.price is an INTEGER of cents
MAX_UNITS = 10_000_000


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


@dataclass(frozen=True)
class ProductRow:
    line: int
    sku: str
    name: str
    description: str
    price: int  # cents
    brand: str
    category: str
    rating: float | None  # checked only: an item's rating is its reviews' average
    # Where its picture comes from (at most one of the two); the import fetches or reads
    # it, and reports a bad picture on this row's line (catalog/picture_sources.py).
    image_url: str | None
    image_path: str | None
    stock: dict[int, int]  # warehouse id -> units; warehouses not named are left alone


def parse_row(
    line: int, values: Mapping[str, object], warehouses: Mapping[str, int]
) -> tuple[ProductRow | None, list[RowError]]:
    """The product of one row, or every problem with it (each with its field).

    `warehouses` maps what may follow "stock." (a warehouse's id as text, or its name in
    lower case) to the warehouse id.
    """
    errors: list[RowError] = []

    def fail(field: str, message: str) -> None:
        errors.append(RowError(line, field, message))

    for key in KNOWN:
        if isinstance(values.get(key), (dict, list)):
            fail(key, "must be text or a number")
    text = {
        key: "" if isinstance(values.get(key), (dict, list)) else _text(values.get(key))
        for key in KNOWN
    }
    for key in REQUIRED:
        if not text[key] and not isinstance(values.get(key), (dict, list)):
            fail(key, "is required")
    sku, name, brand, category = text["sku"], text["name"], text["brand"], text["category"]
    if sku and not SKU.fullmatch(sku):
        fail("sku", "use 1 to 32 letters, digits, '.', '_' or '-'")
    if len(name) > MAX_NAME:
        fail("name", f"is longer than {MAX_NAME} characters")
    for key, value in (("brand", brand), ("category", category)):
        if len(value) > MAX_LABEL:
            fail(key, f"is longer than {MAX_LABEL} characters")
    if len(text["description"]) > MAX_DESCRIPTION:
        fail("description", f"is longer than {MAX_DESCRIPTION:,} characters")
    for key in ("name", "brand", "category", "sku"):
        if any(ord(ch) < 32 for ch in text[key]):
            fail(key, "contains control characters")

    price = _price(text["price"], fail) if text["price"] else None
    rating = _rating(text["rating"], fail) if text["rating"] else None
    image_url = _image_url(text["imageURL"], fail) if text["imageURL"] else None
    image_path = _image_path(text["imagePath"], fail) if text["imagePath"] else None
    if text["imageURL"] and text["imagePath"]:
        fail("imagePath", "give imageURL or imagePath, not both")
    stock = _stock(values, warehouses, fail)
    for key in values:
        if key not in KNOWN and not str(key).startswith(STOCK_PREFIX):
            fail(str(key), "is not a column of the product file (see docs/catalog-import.md)")

    if errors:
        return None, errors
    return (
        ProductRow(
            line=line,
            sku=sku,
            name=name,
            description=text["description"],
            price=price,
            brand=brand,
            category=category,
            rating=rating,
            image_url=image_url,
            image_path=image_path,
            stock=stock,
        ),
        [],
    )


def duplicate_sku_error(line: int, sku: str, first_line: int) -> RowError:
    return RowError(line, "sku", f"{sku!r} is already on line {first_line}")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def _price(raw: str, fail) -> int | None:
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        fail("price", f"{raw[:20]!r} is not an amount like 19.99")
        return None
    if not amount.is_finite() or amount < 0:
        fail("price", "must be zero or more")
        return None
    if amount != amount.quantize(Decimal("0.01")):
        fail("price", "has more than two decimals")
        return None
    cents = int(amount * 100)
    if cents > MAX_PRICE_CENTS:
        fail("price", "is too large")
        return None
    return cents


def _rating(raw: str, fail) -> float | None:
    try:
        rating = float(Decimal(raw))
    except (InvalidOperation, ValueError):
        fail("rating", f"{raw[:20]!r} is not a number from 0 to 5")
        return None
    if not 0 <= rating <= 5:
        fail("rating", "must be from 0 to 5")
        return None
    return rating


def _image_url(raw: str, fail) -> str | None:
    if len(raw) > MAX_URL:
        fail("imageURL", f"is longer than {MAX_URL} characters")
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in raw) or '"' in raw:
        fail("imageURL", "contains spaces or quotes")
        return None
    for scheme in ("https://", "http://"):
        if raw.lower().startswith(scheme) and len(raw) > len(scheme):
            return raw
    fail("imageURL", "must start with http:// or https:// (a file here is an imagePath)")
    return None


def _image_path(raw: str, fail) -> str | None:
    # Whether it stays inside the product file's folder is checked where the file is
    # read (catalog/picture_sources.py): only there is the folder known.
    if len(raw) > MAX_URL:
        fail("imagePath", f"is longer than {MAX_URL} characters")
        return None
    if any(ord(ch) < 32 for ch in raw):
        fail("imagePath", "contains control characters")
        return None
    return raw


def _stock(values: Mapping[str, object], warehouses: Mapping[str, int], fail) -> dict[int, int]:
    stock: dict[int, int] = {}
    for key, value in values.items():
        key = str(key)
        if not key.startswith(STOCK_PREFIX):
            continue
        code = key[len(STOCK_PREFIX) :].strip()
        warehouse = warehouses.get(code) or warehouses.get(code.lower())
        if warehouse is None:
            fail(key, f"there is no warehouse {code!r}")
            continue
        raw = _text(value)
        if raw == "":
            continue  # an empty cell leaves that warehouse's stock alone
        if not raw.isdigit() or len(raw) > 9:
            fail(key, f"{raw[:20]!r} is not a whole number of units")
            continue
        units = int(raw)
        if units > MAX_UNITS:
            fail(key, f"more than {MAX_UNITS:,} units")
            continue
        if warehouse in stock:
            fail(key, "names a warehouse already given in another column")
            continue
        stock[warehouse] = units
    return stock
