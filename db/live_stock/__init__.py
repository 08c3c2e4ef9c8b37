"""Live stock: the outbox of stock changes, its relay to Redis, and the feed's keys.

See docs/live-stock.md for how listeners (SSE streams, the waiting room) use it.
"""

from db.live_stock.feed import StockChange, StockFeedKeys, StockFeedPublisher

__all__ = ["StockChange", "StockFeedKeys", "StockFeedPublisher"]
