"""The fake recommendation signals (tests/fakes/recommendations.py) keep and read
recent searches and item cards as Redis and PostgreSQL do (web/recommendations/adapters.py)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from tests.fakes.recommendations import FakeSignals
from tests.web.catalogue import ITEMS

pytestmark = [pytest.mark.web, pytest.mark.integration]

_users = itertools.count(880_000_001)  # ids no account has: nothing bought, nothing searched


@pytest.fixture(params=["fake", "real"])
def signals(request):
    if request.param == "fake":
        return FakeSignals()
    return request.getfixturevalue("app").extensions["shopflow"].recommendations.signals


def test_searches_typed_letter_by_letter_are_kept_as_one(signals):
    user = next(_users)
    for typed in ("ke", "kett", "kettle", "  toaster  "):
        signals.remember_search(user, typed, [1, 2, 3, 4, 5, 6, 7])
    searches = signals.recent_searches(user)
    assert [s.query for s in searches] == ["toaster", "kettle"]
    assert searches[0].item_ids == (1, 2, 3, 4, 5)
    assert signals.recent_searches(next(_users)) == []


def test_item_cards_name_known_items_only(signals):
    ids = [item.id for item in ITEMS[:5]] + [999_999]
    cards = signals.item_cards(ids)
    assert sorted(cards) == ids[:5]
    for item in ITEMS[:5]:
        card = cards[item.id]
        assert (card.name, card.price, card.category) == (item.name, item.price, item.category)
    assert signals.item_cards([]) == {}


def test_a_new_shopper_has_bought_nothing(signals):
    user = next(_users)
    assert signals.bought_items(user) == []
    assert signals.just_bought(user, datetime(2020, 1, 1, tzinfo=UTC)) == set()
    assert signals.bought_together([999_999], 10) == []
    popular = signals.popular(datetime.now(UTC))
    assert popular and all(signals.item_cards([i])[i].in_stock for i in popular[:5])
