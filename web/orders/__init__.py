"""My orders: the pages and /api/v1/orders (pages, api, openapi) over the use cases
(use_cases: list, detail, cancel through the order's workflow), their ports and adapters
(ports, adapters), the read model (reads, timeline) and the words (errors). Always the
signed-in shopper's own orders."""
