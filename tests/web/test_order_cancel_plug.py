"""The checkout API's `op=CANCEL {orderID}` reaches the orders feature's answer through
web/order_cancel.py, which the app factory plugs in (features never import each other)."""

from __future__ import annotations

import pytest

from web.errors import BadRequest
from web.order_cancel import cancel_order_answer

pytestmark = pytest.mark.web


def test_the_app_factory_plugs_in_the_orders_answer(fast_app):
    with fast_app.app_context():
        # The orders feature's own validation answers: the plug is connected.
        with pytest.raises(BadRequest, match="orderID must be a string"):
            cancel_order_answer(7, 12345)
