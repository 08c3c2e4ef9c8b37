"""My orders: the pages (routes) and the PostgreSQL reads they share with
/api/v1/orders (reads). Always the signed-in shopper's own orders."""
