"""Checkout (docs/architecture.md, "Checkout").

use_cases        begin, pay, submit, cancel, read: once, for pages and API, on ports
adapters         the ports on PostgreSQL (cart, catalogue); `checkout_ports()`
workflow_client  the `CheckoutClient` port on CheckoutWorkflow (TemporalCheckouts)
payment_input    card and address input, checked before anything is vaulted
pages, api       translate outcomes into HTML / JSON; openapi: the API's pieces
operations       how a checkout's state reads on the page (times, short lines)
errors           CheckoutNotFound / CheckoutRefused / CheckoutUnavailable
"""
