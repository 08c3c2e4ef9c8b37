"""The shape of an item in Typesense, shared by the writer (catalogue loader) and the reader (search).

The collection is versioned (`items_v<N>`) and served through the alias named by
`Settings.typesense_collection`, swapped only once a load is complete.
"""

from __future__ import annotations

from typing import Any

SEARCH_FIELDS = "name,brand,description"
FACET_FIELDS = ("category", "brand")


def collection_schema(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "fields": [
            {"name": "item_id", "type": "int64"},
            {"name": "sku", "type": "string", "index": False, "optional": True},
            {"name": "name", "type": "string"},
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
