"""The fake item reads (tests/fakes/items.py) answer what PostgreSQL answers for the
same catalogue (tests/web/catalogue.py, loaded by the real loader)."""

from __future__ import annotations

import pytest

from tests.fakes.items import FakeItemReads
from tests.web.catalogue import ITEMS
from web.item_reads import MAX_ITEM_ID

pytestmark = [pytest.mark.web, pytest.mark.integration]

SOLD_OUT = next(item.id for item in ITEMS if item.total_stock == 0)  # nobody can buy it


def test_the_fake_reads_the_same_items_as_postgresql(app):
    from web.items.adapters import PostgresItemReads

    real, fake = PostgresItemReads(app.extensions["shopflow"].sessions), FakeItemReads()
    for item in ITEMS:
        found, faked = real.find(item.id), fake.find(item.id)
        assert found is not None and faked is not None
        # Stock moves as other tests check out, ratings as they review (the review
        # tests' own items); everything else is the catalogue's.
        moving = {"stock": 0, "rating": None, "review_count": 0}
        assert found.__dict__ | moving == faked.__dict__ | moving
        assert found.review_count >= faked.review_count
    assert real.find(SOLD_OUT).stock == fake.find(SOLD_OUT).stock == 0
    assert real.stock(SOLD_OUT) == fake.stock(SOLD_OUT) == 0
    for unknown in (0, 999_999, MAX_ITEM_ID, MAX_ITEM_ID + 1, -1):
        assert real.find(unknown) is None and fake.find(unknown) is None
        assert real.stock(unknown) is None and fake.stock(unknown) is None
    assert real.stocks([0, 999_999, MAX_ITEM_ID + 1]) == fake.stocks([0, 999_999]) == {}


def test_the_streams_read_many_stocks_at_once_as_each_one_alone(app):
    from web.items.adapters import PostgresItemReads

    real, fake = PostgresItemReads(app.extensions["shopflow"].sessions), FakeItemReads()
    ids = [item.id for item in ITEMS][:5] + [SOLD_OUT]
    for reads in (real, fake):
        stocks = reads.stocks(ids)  # an item without a stock row has none
        assert {i: stocks.get(i, 0) for i in ids} == {i: reads.stock(i) for i in ids}
