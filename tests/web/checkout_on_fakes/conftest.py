"""Checkout's web tests on the fakes: the real-stack fixtures' names (tests/web/conftest.py)
served by a FastShop (tests/web/checkout_fast.py), so the same scenarios read the same."""

from __future__ import annotations

import pytest

from tests.web.checkout_fast import FastShop


@pytest.fixture
def fast() -> FastShop:
    return FastShop()


@pytest.fixture
def shop(fast):
    return fast.api.client


@pytest.fixture
def stock_item(fast):
    return fast.new_item


@pytest.fixture
def stock_of(fast):
    return fast.stock_of


@pytest.fixture
def api_shopper(fast):
    return fast.shopper
