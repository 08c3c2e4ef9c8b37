"""Redis: the warehouse queues, the waiting room's line, the JSON cache and the stock feed."""
