"""The shape of the word lists the catalogue generator draws from.

A `ProductType` is one kind of thing a store sells ("Wireless Headphones"): which
category it sits in, which brands make it, what it costs, which attributes vary
between listings and how its name and description read. The data modules beside this
one are just lists of these.
"""

from __future__ import annotations

from dataclasses import dataclass

# A value is either a plain label or (label, price factor): "2TB" costs more than "512GB".
AttributeValue = str | tuple[str, float]


@dataclass(frozen=True, slots=True)
class Attribute:
    key: str  # the placeholder used in name / description templates
    values: tuple[AttributeValue, ...]


@dataclass(frozen=True, slots=True)
class ProductType:
    category: str
    code: str  # SKU prefix, e.g. "WHP"
    noun: str  # "Wireless Headphones"
    brands: tuple[str, ...]
    price: tuple[float, float]  # dollars, before attribute factors
    # str.format template over brand, model, feature, noun and the attribute keys.
    name: str = "{brand} {model} {feature} {noun}"
    attributes: tuple[Attribute, ...] = ()
    features: tuple[str, ...] = ("",)
    # Sentences about this kind of product; same placeholders as `name`.
    blurbs: tuple[str, ...] = ()
    weight: int = 10  # relative share of the catalogue


def attr(key: str, *values: AttributeValue) -> Attribute:
    return Attribute(key, tuple(values))


def label(value: AttributeValue) -> str:
    return value if isinstance(value, str) else value[0]


def price_factor(value: AttributeValue) -> float:
    return 1.0 if isinstance(value, str) else value[1]
