"""The home page promises what the delivery rule gives (domain/delivery.py), nothing sooner."""

from __future__ import annotations

import pytest

from domain.delivery import promise_range

pytestmark = pytest.mark.web


def test_the_home_page_promises_the_rules_range_not_tomorrow(fast_client):
    page = fast_client.get("/").get_data(as_text=True)

    fewest, most = promise_range()
    assert "tomorrow" not in page.lower()
    assert f"Get it in {fewest}&ndash;{most} days." in page
