"""Reviews: who may write one, what a review holds, and how an item's rating is shown.

Pure rules (standard library only), used by the web's reviews feature and by the
demo catalogue's seeded reviews (docs/reviews.md). An item's rating is never typed in:
it is the average of its reviews, or nothing at all when it has none.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

LOWEST_RATING = 1
HIGHEST_RATING = 5
MAX_TITLE_LENGTH = 120
MAX_TEXT_LENGTH = 4000
MIN_TEXT_LENGTH = 1  # a star rating alone is allowed a title, never an empty body
NO_REVIEWS_YET = "No reviews yet"


@dataclass(frozen=True)
class ReviewInput:
    """A review as the shopper wrote it, checked and tidied (surrounding spaces gone)."""

    rating: int
    title: str
    text: str


@dataclass(frozen=True)
class ReviewCheck:
    review: ReviewInput | None
    errors: Mapping[str, str]  # field -> what is wrong, for the shopper

    @property
    def ok(self) -> bool:
        return self.review is not None


def check_review(values: Mapping[str, object]) -> ReviewCheck:
    """`{rating, title, text}` as sent (a form's strings or JSON values) -> a review or
    one message per wrong field."""
    errors: dict[str, str] = {}
    rating = _rating(values.get("rating"), errors)
    title = _words(values.get("title"), "title", 1, MAX_TITLE_LENGTH, errors)
    text = _words(values.get("text"), "text", MIN_TEXT_LENGTH, MAX_TEXT_LENGTH, errors)
    if errors or rating is None or title is None or text is None:
        return ReviewCheck(None, errors)
    return ReviewCheck(ReviewInput(rating=rating, title=title, text=text), {})


def _rating(raw: object, errors: dict[str, str]) -> int | None:
    wrong = f"rating must be a whole number from {LOWEST_RATING} to {HIGHEST_RATING}."
    if isinstance(raw, bool):  # JSON true is an int to Python, never a rating
        errors["rating"] = wrong
        return None
    if isinstance(raw, str) and raw.strip() in {"1", "2", "3", "4", "5"}:
        raw = int(raw.strip())
    if not isinstance(raw, int) or not LOWEST_RATING <= raw <= HIGHEST_RATING:
        errors["rating"] = wrong
        return None
    return raw


def _words(
    raw: object, field: str, shortest: int, longest: int, errors: dict[str, str]
) -> str | None:
    if not isinstance(raw, str):
        errors[field] = f"{field} must be text."
        return None
    # NFC so that "é" typed two ways counts (and is stored) as one character.
    tidy = unicodedata.normalize("NFC", raw).strip()
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in tidy):
        errors[field] = f"{field} must not contain control characters."
        return None
    if "\n" in tidy and field == "title":
        errors[field] = "title must be one line."
        return None
    if len(tidy) < shortest:
        errors[field] = f"{field} must not be empty."
        return None
    if len(tidy) > longest:
        errors[field] = f"{field} must be at most {longest} characters (got {len(tidy)})."
        return None
    return tidy


@dataclass(frozen=True)
class Receipt:
    """One suborder line of the shopper's: whether that parcel was delivered."""

    item_id: int
    delivered: bool


def may_review(item_id: int, receipts: Iterable[Receipt]) -> bool:
    """Only a shopper who received the item reviews it: a delivered suborder line with it.
    Ordered, paid or shipped is not enough (a parcel can still be cancelled or lost)."""
    return any(r.item_id == item_id and r.delivered for r in receipts)


@dataclass(frozen=True)
class RatingSummary:
    """An item's rating as everyone sees it: the average of its reviews and how many."""

    average: Decimal | None  # one decimal (4.3), None without reviews
    count: int

    @property
    def shown(self) -> str:
        """ "4.3 out of 5 (12 reviews)", or "No reviews yet"."""
        if self.average is None:
            return NO_REVIEWS_YET
        return f"{self.average} out of 5 ({reviews_phrase(self.count)})"

    @property
    def as_float(self) -> float | None:
        return None if self.average is None else float(self.average)


def summarise(total_stars: int, count: int) -> RatingSummary:
    """The average of `count` reviews whose ratings add up to `total_stars`, rounded half
    up to one decimal (4.25 -> 4.3, as a shopper rounds, not banker's rounding)."""
    if count < 0 or total_stars < 0:
        raise ValueError("a review count and its star total are never negative")
    if count == 0:
        return RatingSummary(None, 0)
    if not LOWEST_RATING * count <= total_stars <= HIGHEST_RATING * count:
        raise ValueError(f"{count} reviews cannot add up to {total_stars} stars")
    average = (Decimal(total_stars) / Decimal(count)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return RatingSummary(average, count)


def reviews_phrase(count: int) -> str:
    return f"{count:,} review{'' if count == 1 else 's'}"
