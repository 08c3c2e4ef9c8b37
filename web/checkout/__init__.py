"""Checkout: the pages (pages), the JSON API (api), and what both share (operations).
The one door to CheckoutWorkflow (web/checkout_client.py, its refusals in
web/checkout_errors.py) and card and address input (web/payment_input.py) are shared
top-level modules: the waiting room and the account page use them too.
"""
