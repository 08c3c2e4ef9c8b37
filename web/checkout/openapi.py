"""POST /api/v1/checkout?op=BEGIN|SUBMIT|CANCEL, the payment URL and the checkout's state
(web/checkout/api.py)."""

from __future__ import annotations

from domain.stock import MAX_CHECKOUT_LINES
from web.openapi_components import (
    BEARER,
    CENTS,
    ISO_INSTANT,
    errors,
    json_body,
    nullable,
    obj,
    path_param,
    query_param,
    ref,
)

CHECKOUT_ID = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
CART = {"type": "array", "items": ref("Line"), "maxItems": MAX_CHECKOUT_LINES}
SHORT_LINE = obj(
    {"itemID": {"type": "integer"}, "asked": {"type": "integer"}, "left": {"type": "integer"}}
)

CHECKOUT_FIELDS = {
    "checkoutID": CHECKOUT_ID,
    "paymentInputURL": {"type": "string", "examples": ["/api/v1/checkout/<checkoutID>/payment"]},
    "expiresAt": ISO_INSTANT,
    "status": ref("CheckoutStatus"),
    "lines": {"type": "array", "items": ref("PricedLine")},
    "total": CENTS,
}

SCHEMAS = {
    "Checkout": obj(CHECKOUT_FIELDS, description="A checkout holding stock until `expiresAt`."),
    "CheckoutState": obj(
        {
            **CHECKOUT_FIELDS,
            "lastPaymentError": nullable({"type": "string"}),
            "orderID": nullable({"type": "string"}),
            "card": nullable(ref("Card")),
            "shortLines": {"type": "array", "items": SHORT_LINE},
            "message": nullable({"type": "string"}),
        }
    ),
    "CheckoutRequest": {
        "type": "object",
        "description": "BEGIN: `{cart}` or no body (the shopper's cart). SUBMIT: no body, `{}` "
        "or `{checkoutID}`. CANCEL: no body, `{}`, `{checkoutID}`, the design write-up's "
        "`{cart}` (informational: the open checkout is cancelled), or `{orderID}` to cancel "
        "an order. Without a checkoutID, SUBMIT and CANCEL act on the shopper's one open "
        "checkout.",
        "properties": {
            "cart": CART,
            "ticketID": {
                "type": "string",
                "description": "BEGIN for an item with a waiting room: the admitted ticket.",
            },
            "checkoutID": CHECKOUT_ID,
            "orderID": {"type": "string", "minLength": 1},
        },
    },
    "PlacedOrder": obj(
        {"orderID": {"type": "string"}, "status": {"const": "PENDING"}, "total": CENTS}
    ),
    "CancelledCheckout": obj({"checkoutID": CHECKOUT_ID, "status": ref("CheckoutStatus")}),
    "Payment": obj(
        {
            "paymentDetails": obj(
                {
                    "cardNumber": {"type": "string", "examples": ["4242 4242 4242 4242"]},
                    "expiry": {"type": "string", "examples": ["12/34"], "description": "MM/YY"},
                    "cvc": {"type": "string", "examples": ["123"]},
                    "name": {"type": "string"},
                }
            ),
            "shippingAddress": {
                "oneOf": [
                    obj(
                        {
                            "name": {"type": "string"},
                            "line1": {"type": "string"},
                            "line2": {"type": "string"},
                            "city": {"type": "string"},
                            "postalCode": {"type": "string"},
                            "country": {"type": "string"},
                        },
                        optional=("line2",),
                    ),
                    obj(
                        {"addressID": {"type": "integer", "minimum": 1}},
                        description="A saved address of the caller's (/api/v1/addresses); "
                        "it becomes the last used.",
                    ),
                ],
                "description": "Checked like the address book: an ISO 3166 country, a "
                "postal code of its shape, a real US ZIP code; a 422 `invalid_address` has "
                "a message per field in `error.fields`.",
            },
        }
    ),
    "PaymentAccepted": obj(
        {"checkoutID": CHECKOUT_ID, "status": ref("CheckoutStatus"), "card": ref("Card")}
    ),
}

CHECKOUT_ID_PARAM = path_param("checkoutID", {"type": "string"}, "From BEGIN's answer.")

PATHS = {
    "/api/v1/checkout": {
        "post": {
            "operationId": "checkout",
            "tags": ["checkout"],
            "summary": "Begin, submit or cancel the shopper's checkout (or cancel an order)",
            "description": "BEGIN holds every line for five minutes (or tells which ran out); "
            "SUBMIT places the order of a paid checkout; CANCEL gives the stock back, or "
            "cancels an order that has not shipped. `Idempotency-Key` replays the first "
            "answer of a repeated call (the same key with another body is a 422).",
            "security": BEARER,
            "parameters": [
                query_param(
                    "op",
                    {"type": "string", "enum": ["BEGIN", "SUBMIT", "CANCEL"]},
                    "What to do.",
                    required=True,
                ),
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                    "description": "Repeat a call safely: the same key answers the same.",
                },
            ],
            "requestBody": {"required": False, **json_body(ref("CheckoutRequest"))},
            "responses": {
                "200": {
                    "description": "CANCEL: the checkout, CANCELLED; or, for `{orderID}`, "
                    "the order, CANCELLED.",
                    **json_body({"oneOf": [ref("CancelledCheckout"), ref("OrderDetail")]}),
                },
                "201": {
                    "description": "BEGIN: the checkout and its payment URL. SUBMIT: the order.",
                    **json_body({"oneOf": [ref("Checkout"), ref("PlacedOrder")]}),
                },
                "202": {
                    "description": "BEGIN for a cart holding an item with a waiting room, without an "
                    "admitted ticket: a place in its line, nothing held (joining again answers "
                    "the same ticket). Follow `eventsURL` (or poll `statusURL`); once ADMITTED, "
                    "BEGIN again.",
                    **json_body(ref("WaitingTicket")),
                },
                **errors(
                    400,
                    401,
                    404,
                    409,
                    422,
                    429,
                    503,
                    _404="No such checkout (or order, or waiting-room ticket) for this shopper.",
                    _429="BEGIN too often (`too_many_checkouts`), or too many new holds of one "
                    "item (`too_many_holds`): wait `Retry-After` seconds.",
                    _409="`out_of_stock` (with `lines`: itemID, asked, left; nothing is held), "
                    "`no_open_checkout`, or the checkout's state refuses it "
                    "(e.g. `checkout_expired`, `checkout_cancelled`, `checkout_ordered`, "
                    "`already_submitted`, `payment_required`, an order already shipped); "
                    "for a waiting room's ticket: `sold_out`, `admission_expired`, `ticket_used`, "
                    "`admitted_for_fewer`, `checkout_beginning`.",
                    _422="An empty cart, an unknown item, more units of one item than one "
                    "shopper may hold (`too_many_units`), or an Idempotency-Key reused with "
                    "another body; `several_waiting_rooms`, `ticket_for_another_item`.",
                ),
            },
        }
    },
    "/api/v1/checkout/{checkoutID}": {
        "get": {
            "operationId": "getCheckout",
            "tags": ["checkout"],
            "summary": "A checkout's state",
            "security": BEARER,
            "parameters": [CHECKOUT_ID_PARAM],
            "responses": {
                "200": {"description": "The checkout.", **json_body(ref("CheckoutState"))},
                **errors(401, 404, 503),
            },
        }
    },
    "/api/v1/checkout/{checkoutID}/payment": {
        "post": {
            "operationId": "pay",
            "tags": ["checkout"],
            "summary": "The paymentInputURL: card details and shipping address",
            "description": "The card is tokenised by the gateway's vault; only its token, "
            "brand and last four reach the checkout. Sandbox cards: 4242 4242 4242 4242 "
            "succeeds, 4000 0000 0000 0002 is declined. At most 5 attempts per checkout.",
            "security": BEARER,
            "parameters": [CHECKOUT_ID_PARAM],
            "requestBody": {"required": True, **json_body(ref("Payment"))},
            "responses": {
                "200": {"description": "Authorised.", **json_body(ref("PaymentAccepted"))},
                **errors(
                    400,
                    401,
                    402,
                    404,
                    409,
                    422,
                    429,
                    503,
                    _402="Declined (`card_declined`, whatever the bank's reason; the hold "
                    "stays until `expiresAt`, so another card can be tried).",
                    _409="The checkout can no longer be paid (expired, cancelled, already paid).",
                    _429="Too many payment attempts for this checkout or shopper "
                    "(`too_many_payment_attempts`).",
                    _422="A card number, expiry, CVC or address the store cannot accept.",
                ),
            },
        }
    },
}
