"""Returns within 30 days of delivery (docs/returns.md): the shopper's request on the order
page and API, the warehouse's "received", each once in `use_cases.py`."""
