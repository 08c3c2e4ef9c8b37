"""The cart: one per shopper, created on the first add; browser pages (pages), the JSON
API (api); reading and changing it is web/cart_operations.py, which checkout uses too.

The cart is always the signed-in user's: no cart id ever appears in a URL, so there
is nothing to guess to reach someone else's.
"""
