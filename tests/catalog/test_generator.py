"""The generated catalogue: reproducible, streamable, and reading like a real store."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from collections import Counter

import pytest

from catalog.generator import MAX_ITEMS, generate_items, generate_warehouses, model_number
from catalog.vocabulary import CATEGORIES
from settings import PROJECT_ROOT

pytestmark = pytest.mark.unit

WAREHOUSES = generate_warehouses(8, seed=7)
WAREHOUSE_IDS = [w.id for w in WAREHOUSES]


def items(count: int, seed: int = 7, **kwargs):
    return list(generate_items(count, warehouse_ids=WAREHOUSE_IDS, seed=seed, **kwargs))


@pytest.fixture(scope="module")
def catalogue():
    return items(10_000)


def test_the_same_seed_always_generates_the_same_catalogue():
    assert items(500) == items(500)
    assert generate_warehouses(25, seed=3) == generate_warehouses(25, seed=3)


def test_a_different_seed_generates_a_different_catalogue():
    first, second = items(500, seed=1), items(500, seed=2)
    assert sum(a.name != b.name for a, b in zip(first, second, strict=True)) > 400


def test_a_slice_generated_alone_equals_the_same_ids_of_a_full_run():
    full = items(3_000)
    assert items(250, first_id=1_001) == full[1_000:1_250]


def test_warehouse_order_given_to_the_generator_does_not_change_the_items():
    shuffled = list(reversed(WAREHOUSE_IDS))
    assert list(generate_items(200, warehouse_ids=shuffled, seed=7)) == items(200)


def test_ids_run_from_one_to_n_and_skus_are_unique(catalogue):
    assert [item.id for item in catalogue] == list(range(1, 10_001))
    assert len({item.sku for item in catalogue}) == len(catalogue)
    assert all(len(item.sku) <= 32 for item in catalogue)


def test_item_names_read_like_real_listings(catalogue):
    for item in catalogue[:2_000]:
        assert "{" not in item.name and "  " not in item.name, item.name
        assert 10 <= len(item.name) <= 200, item.name
        if item.category != "Books":
            assert item.brand in item.name, item
    assert any(
        re.fullmatch(
            r"Sonora .+ Noise-Cancelling Wireless Headphones, Over-Ear, \w[\w ]*, Model [A-Z]{2}\d{4}",
            i.name,
        )
        for i in catalogue
    )


def test_no_two_generated_items_share_a_name(catalogue):
    names = Counter(item.name for item in catalogue)
    assert names.most_common(1)[0][1] == 1, names.most_common(3)


def test_two_slices_generated_apart_share_no_name():
    first, later = items(2_000), items(2_000, first_id=500_001)
    assert not {item.name for item in first} & {item.name for item in later}


def test_model_numbers_never_repeat_below_the_largest_catalogue():
    # A permutation of 1..MAX_ITEMS: checked at both ends and over a stride through it.
    sample = [*range(1, 20_001), *range(MAX_ITEMS - 20_000, MAX_ITEMS + 1)]
    sample += list(range(1, MAX_ITEMS, 997))
    assert len({model_number(item_id) for item_id in set(sample)}) == len(set(sample))
    with pytest.raises(ValueError, match="unique names"):
        items(2, first_id=MAX_ITEMS)


def test_descriptions_have_two_to_four_sentences(catalogue):
    for item in catalogue[:2_000]:
        assert "{" not in item.description
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", item.description) if s]
        assert 2 <= len(sentences) <= 4, item.description


def test_every_department_of_the_store_is_stocked(catalogue):
    seen = Counter(item.category for item in catalogue)
    assert set(seen) == set(CATEGORIES)
    assert len(CATEGORIES) >= 10
    assert {"Electronics", "Books", "Home & Kitchen", "Toys & Games", "Automotive"} <= set(seen)


def test_wireless_headphones_are_on_sale(catalogue):
    headphones = [item for item in catalogue if "Wireless Headphones" in item.name]
    assert len(headphones) > 100
    assert all(item.category == "Electronics" for item in headphones)


def test_prices_are_plausible_for_what_is_sold(catalogue):
    def dollars(noun: str) -> list[float]:
        return [item.price / 100 for item in catalogue if noun in item.name]

    assert all(item.price > 0 for item in catalogue)
    assert all(item.price % 100 in (29, 49, 79, 99) for item in catalogue)
    assert all(19 <= price <= 400 for price in dollars("Wireless Headphones"))
    assert all(399 <= price <= 5_000 for price in dollars(" Laptop,"))
    assert all(4 <= price <= 35 for price in dollars("A Novel"))


def test_ratings_come_only_from_demo_reviews_and_many_items_have_none(catalogue):
    reviewed = [item for item in catalogue if item.demo_reviews]
    assert 0.5 <= len(reviewed) / len(catalogue) <= 0.7
    assert all(item.rating is None and item.review_count == 0 for item in catalogue
               if not item.demo_reviews)  # fmt: skip
    ratings = [item.rating for item in reviewed]
    assert min(ratings) >= 1.0 and max(ratings) <= 5.0
    assert 3.7 <= sum(ratings) / len(ratings) <= 4.3
    assert sum(r < 3 for r in ratings) > 100  # some duds, as in any real store
    assert max(item.review_count for item in catalogue) <= 12  # loads stay quick


def test_demo_reviews_are_reproducible_marked_demo_and_dated_before_the_demo_epoch(catalogue):
    from catalog.demo_reviews import DEMO_EPOCH, demo_review_rows

    item = next(item for item in catalogue if item.review_count >= 3)
    rows = list(demo_review_rows(item))
    assert rows == list(demo_review_rows(item))
    assert [row[1] for row in rows] == list(item.demo_reviews)
    assert all(row[4] is True and "demo review" in row[3] for row in rows)
    assert all(row[5] < DEMO_EPOCH for row in rows)


def test_every_item_is_stocked_in_one_to_three_known_warehouses_or_deliberately_sold_out(catalogue):
    for item in catalogue:
        warehouse_ids = [warehouse_id for warehouse_id, _ in item.stock_by_warehouse]
        assert 1 <= len(warehouse_ids) <= 3
        assert len(set(warehouse_ids)) == len(warehouse_ids)
        assert set(warehouse_ids) <= set(WAREHOUSE_IDS)
        assert all(units >= 0 for _, units in item.stock_by_warehouse)
    sold_out = sum(item.total_stock == 0 for item in catalogue) / len(catalogue)
    low = sum(1 <= item.total_stock <= 5 for item in catalogue) / len(catalogue)
    assert 0.03 <= sold_out <= 0.07
    assert 0.04 <= low <= 0.15


def test_warehouses_sit_in_real_cities_with_unique_names():
    warehouses = generate_warehouses(25, seed=1)
    assert [w.id for w in warehouses] == list(range(1, 26))
    assert len({w.name for w in warehouses}) == 25
    assert warehouses[0].region == "Seattle, WA, US"
    assert (
        abs(warehouses[0].latitude - 47.61) < 0.01 and abs(warehouses[0].longitude + 122.33) < 0.01
    )
    assert {w.region.rsplit(", ", 1)[1] for w in warehouses} >= {"US", "DE", "GB"}
    assert all(-90 <= w.latitude <= 90 and -180 <= w.longitude <= 180 for w in warehouses)


def test_a_store_needs_at_least_one_warehouse():
    with pytest.raises(ValueError):
        generate_warehouses(0)
    with pytest.raises(ValueError):
        next(generate_items(1, warehouse_ids=[], seed=1))


def test_generating_many_items_keeps_memory_bounded():
    # A fresh interpreter, so its peak RSS is this generator's alone (tracemalloc would
    # make the run ~6x slower). 50k items tell streaming from holding: holding them
    # would add ~37 MB (200k: ~150 MB), streaming adds next to nothing. The peak is the
    # process's own high-water mark (VmHWM): getrusage's ru_maxrss carries the forking
    # pytest's peak across exec, which hid any growth below it.
    script = textwrap.dedent(
        """
        import json
        from catalog.generator import generate_items
        def peak_kb():
            with open("/proc/self/status") as status:
                line = next(line for line in status if line.startswith("VmHWM:"))
            return int(line.split()[1])
        first = generate_items(1000, warehouse_ids=range(1, 9), seed=11)
        for _ in first:
            pass
        before = peak_kb()
        count = sum(1 for _ in generate_items(50_000, warehouse_ids=range(1, 9), seed=11))
        print(json.dumps({"count": count, "growth_kb": peak_kb() - before}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    )
    result = json.loads(done.stdout)
    assert result["count"] == 50_000
    assert result["growth_kb"] < 10 * 1024, f"peak grew {result['growth_kb'] / 1024:.1f} MB"
