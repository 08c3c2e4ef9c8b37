"""The cart: one per shopper, created on the first add; browser pages (routes) and the
one function both the pages and /api/v1/cart use to change it (operations).

The cart is always the signed-in user's: no cart id ever appears in a URL, so there
is nothing to guess to reach someone else's.
"""
