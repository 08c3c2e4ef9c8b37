"""Checkout: the pages (routes), the one door to CheckoutWorkflow (workflow_client),
card and address input (payment_input), and what pages and /api/v1/checkout share
(operations). The JSON API itself lives in web/checkout/api.py.
"""
