"""Operators' refunds (web/refunds/api.py)."""

from __future__ import annotations

from web.lines_input import MAX_LINES
from web.openapi_components import (
    BEARER,
    CENTS,
    ID_INT,
    ISO_INSTANT,
    LINE_IN,
    errors,
    json_body,
    obj,
    path_param,
    ref,
)

SCHEMAS = {
    "StaffRefundRequest": obj(
        {
            "lines": {
                "type": "array",
                "items": LINE_IN,
                "minItems": 1,
                "maxItems": MAX_LINES,
                "description": "Leave out to refund everything still refundable.",
            },
            "reason": {"type": "string", "minLength": 1, "maxLength": 500},
        },
        optional=("lines",),
    ),
    "StaffRefund": obj(
        {
            "refundNumber": ID_INT,
            "orderID": {"type": "string"},
            "amount": CENTS,
            "lines": {"type": "array", "items": LINE_IN},
            "reason": {"type": "string"},
            "createdAt": ISO_INSTANT,
        }
    ),
}

PATHS = {
    "/api/v1/staff/orders/{orderID}/refunds": {
        "post": {
            "operationId": "refundOrder",
            "tags": ["staff"],
            "summary": "Refund an order, or some of its lines, with a reason",
            "description": "Operators and admins. Lines are refunded at the price they were "
            "bought for; never more than was captured minus what was already refunded "
            "(returns, earlier refunds, a cancel). The same `Idempotency-Key` and body "
            "answer the same refund.",
            "security": BEARER,
            "parameters": [
                path_param("orderID", {"type": "string"}, "The order's id."),
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                    "description": "One refund per key and order.",
                },
            ],
            "requestBody": {"required": True, **json_body(ref("StaffRefundRequest"))},
            "responses": {
                "201": {"description": "Refunded.", **json_body(ref("StaffRefund"))},
                **errors(
                    400,
                    401,
                    403,
                    404,
                    409,
                    422,
                    _409="More than bought or than is left to refund (`refund_too_much`), "
                    "or the gateway refused (`refund_refused`).",
                    _422="The Idempotency-Key was used for another refund of this order.",
                ),
            },
        }
    },
}
