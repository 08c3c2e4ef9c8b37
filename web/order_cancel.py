"""Cancelling an order through the checkout API: `POST /api/v1/checkout?op=CANCEL
{orderID}` is answered by the orders feature (web/orders/api.py).

Features do not import each other, so the checkout API calls `cancel_order_answer`
here and the app factory (web/__init__.py) plugs in the orders feature's answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app

EXTENSION_KEY = "shopflow.cancel_order_answer"

CancelOrderAnswer = Callable[[int, Any], Response]


def plug_in(app: Flask, answer: CancelOrderAnswer) -> None:
    app.extensions[EXTENSION_KEY] = answer


def cancel_order_answer(user_id: int, order_id: Any) -> Response:
    """The orders feature's answer: 200 with the order (CANCELLED), 400, 404, 409 or 503."""
    answer: CancelOrderAnswer = current_app.extensions[EXTENSION_KEY]
    return answer(user_id, order_id)
