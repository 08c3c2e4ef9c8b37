"""The shape of an item in Typesense, shared by the writer (catalogue loader) and the reader (search).

The collection is versioned (`items_v<N>`) and served through the alias named by
`Settings.typesense_collection`, swapped only once a load is complete.
"""

from __future__ import annotations

from typing import Any

# `title` is the name without its leading brand: what the item *is*. Searched apart
# from `brand` and weighted above it, so a kettle outranks a coffee maker of the
# brand "Kettle & Co." (docs/search.md, "Relevance"). `name` is shown, not searched.
SEARCH_FIELDS = "title,brand,description"
FACET_FIELDS = ("category", "brand")


def collection_schema(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "fields": [
            {"name": "item_id", "type": "int64"},
            {"name": "sku", "type": "string", "index": False, "optional": True},
            {"name": "name", "type": "string", "index": False, "optional": True},
            {"name": "title", "type": "string"},
            {"name": "description", "type": "string"},
            {"name": "brand", "type": "string", "facet": True},
            {"name": "category", "type": "string", "facet": True},
            {"name": "price", "type": "int32"},  # cents
            # The average of the item's reviews; 0 in the index for an item without
            # any (shown as "no reviews"), so "Sort by rating" puts those last.
            {"name": "rating", "type": "float"},
            {"name": "review_count", "type": "int32"},
            {"name": "in_stock", "type": "bool", "facet": True},
        ],
        "default_sorting_field": "rating",
        "token_separators": ["-", "/"],
    }


def item_document(
    *,
    item_id: int,
    sku: str,
    name: str,
    description: str,
    brand: str,
    category: str,
    price: int,
    rating: float | None,
    review_count: int,
    in_stock: bool,
    picture: str | None = None,
) -> dict[str, Any]:
    # The picture's hash (docs/media.md) is not in the schema: stored, never indexed.
    extra = {"picture": picture} if picture else {}
    return {
        "id": str(item_id),
        "item_id": item_id,
        "sku": sku,
        "name": name,
        "title": title_of(name, brand),
        "description": description,
        "brand": brand,
        "category": category,
        "price": price,
        **rating_fields(rating, review_count),
        "in_stock": bool(in_stock),
        **extra,
    }


def rating_fields(rating: float | None, review_count: int) -> dict[str, Any]:
    """The document's rating fields: what a load writes and the relay updates."""
    return {"rating": float(rating or 0.0), "review_count": int(review_count)}


def hit_rating(document: dict[str, Any]) -> tuple[float | None, int]:
    """(average or None, count) of a stored document; one indexed before reviews existed
    has no count and so no rating."""
    count = int(document.get("review_count") or 0)
    return (float(document["rating"]) if count else None), count


def title_of(name: str, brand: str) -> str:
    """The name without the brand it starts with ("Kettle & Co. Glass Kettle" -> "Glass Kettle").

    A name that does not start with its brand (an imported catalogue's) is kept whole.
    """
    if brand and name[: len(brand)].casefold() == brand.casefold():
        rest = name[len(brand) :].strip()
        if rest:
            return rest
    return name
