"""Reviews: shoppers who received an item rate it; its page lists them (docs/reviews.md)."""
