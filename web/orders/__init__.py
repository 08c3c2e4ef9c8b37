"""My orders: the pages (routes), the PostgreSQL reads they share with /api/v1/orders
(reads, suborders, timeline) and cancelling through the order's workflow (cancelling,
workflow_client, errors). Always the signed-in shopper's own orders."""
