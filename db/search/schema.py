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
            {"name": "rating", "type": "float"},
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
    rating: float,
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
        "rating": float(rating),
        "in_stock": bool(in_stock),
        **extra,
    }
