"""Allocation: which warehouses ship an order, and how much each ships."""

from __future__ import annotations

import math
import pickle
from dataclasses import dataclass
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.generator import generate_warehouses
from domain.allocation import (
    EXACT_SEARCH_BUDGET,
    STRATEGIES,
    Suborder,
    Unallocatable,
    WarehouseSite,
    allocate,
    remaining_lines,
    replan,
    strategy_named,
)
from domain.geo import haversine_km

pytestmark = pytest.mark.unit

# The store's real sites: 1 Seattle, 2 San Bernardino, 3 Dallas, 4 Chicago, 5 Atlanta,
# 6 Edison NJ, 7 Leipzig, 8 Coventry.
SITES = [WarehouseSite(w.id, w.latitude, w.longitude) for w in generate_warehouses(8)]
SEATTLE, SAN_BERNARDINO, DALLAS, CHICAGO, ATLANTA, EDISON, LEIPZIG, COVENTRY = range(1, 9)

PORTLAND_OR = (45.5152, -122.6784)
SAVANNAH_GA = (32.0809, -81.0912)
MILWAUKEE_WI = (43.0389, -87.9065)
BERLIN = (52.52, 13.405)

KETTLE, TOASTER, LAMP = 101, 102, 103


def test_one_warehouse_ships_everything_when_it_can():
    stock = {SEATTLE: {KETTLE: 5, TOASTER: 5}, SAN_BERNARDINO: {KETTLE: 9}}
    plan = allocate([(KETTLE, 2), (TOASTER, 1)], PORTLAND_OR, stock, SITES)
    assert plan == (Suborder(SEATTLE, ((KETTLE, 2), (TOASTER, 1))),)


def test_the_nearest_warehouse_that_can_ship_everything_wins():
    stock = {w: {KETTLE: 10, TOASTER: 10} for w in (SEATTLE, ATLANTA, EDISON, LEIPZIG)}
    plan = allocate([(KETTLE, 3), (TOASTER, 3)], SAVANNAH_GA, stock, SITES)
    assert [s.warehouse_id for s in plan] == [ATLANTA]


def test_a_far_warehouse_that_ships_everything_beats_splitting_between_near_ones():
    stock = {
        ATLANTA: {KETTLE: 5},
        EDISON: {TOASTER: 5},
        SEATTLE: {KETTLE: 5, TOASTER: 5},
    }
    plan = allocate([(KETTLE, 1), (TOASTER, 1)], SAVANNAH_GA, stock, SITES)
    assert [s.warehouse_id for s in plan] == [SEATTLE]


def test_an_order_no_warehouse_can_ship_alone_is_split_across_the_fewest_warehouses():
    # Chicago and Atlanta are nearer Milwaukee than Dallas, but taking them would need
    # three warehouses; Dallas holds two of the lines, so two warehouses do.
    stock = {
        CHICAGO: {KETTLE: 5},
        ATLANTA: {TOASTER: 5},
        EDISON: {LAMP: 5},
        DALLAS: {TOASTER: 5, LAMP: 5},
    }
    plan = allocate([(KETTLE, 1), (TOASTER, 1), (LAMP, 1)], MILWAUKEE_WI, stock, SITES)
    assert plan == (
        Suborder(CHICAGO, ((KETTLE, 1),)),
        Suborder(DALLAS, ((TOASTER, 1), (LAMP, 1))),
    )


def test_among_equally_few_warehouses_the_nearest_pair_wins():
    stock = {
        SEATTLE: {KETTLE: 5},
        SAN_BERNARDINO: {TOASTER: 5},
        LEIPZIG: {KETTLE: 5},
        COVENTRY: {TOASTER: 5},
    }
    assert [
        s.warehouse_id for s in allocate([(KETTLE, 1), (TOASTER, 1)], BERLIN, stock, SITES)
    ] == [
        LEIPZIG,
        COVENTRY,
    ]
    assert [
        s.warehouse_id for s in allocate([(KETTLE, 1), (TOASTER, 1)], PORTLAND_OR, stock, SITES)
    ] == [SEATTLE, SAN_BERNARDINO]


def test_a_line_no_single_warehouse_holds_is_split_across_two_nearest_first():
    stock = {SEATTLE: {KETTLE: 6}, SAN_BERNARDINO: {KETTLE: 7}, CHICAGO: {KETTLE: 7}}
    plan = allocate([(KETTLE, 10)], PORTLAND_OR, stock, SITES)
    assert plan == (
        Suborder(SEATTLE, ((KETTLE, 6),)),
        Suborder(SAN_BERNARDINO, ((KETTLE, 4),)),
    )


def test_a_line_that_one_chosen_warehouse_holds_whole_is_not_split():
    stock = {SEATTLE: {KETTLE: 1, TOASTER: 3}, SAN_BERNARDINO: {KETTLE: 3, LAMP: 3}}
    plan = allocate([(KETTLE, 3), (TOASTER, 1), (LAMP, 1)], PORTLAND_OR, stock, SITES)
    assert plan == (
        Suborder(SEATTLE, ((TOASTER, 1),)),
        Suborder(SAN_BERNARDINO, ((KETTLE, 3), (LAMP, 1))),
    )


def test_the_high_stock_strategy_picks_the_fullest_warehouse():
    stock = {SEATTLE: {KETTLE: 3, TOASTER: 3}, EDISON: {KETTLE: 400, TOASTER: 50}}
    lines = [(KETTLE, 2), (TOASTER, 2)]
    assert [s.warehouse_id for s in allocate(lines, PORTLAND_OR, stock, SITES)] == [SEATTLE]
    assert [
        s.warehouse_id for s in allocate(lines, PORTLAND_OR, stock, SITES, strategy="high_stock")
    ] == [EDISON]


def test_the_high_stock_strategy_breaks_ties_by_distance():
    stock = {w: {KETTLE: 20} for w in (SEATTLE, ATLANTA, EDISON)}
    plan = allocate([(KETTLE, 2)], SAVANNAH_GA, stock, SITES, strategy="high_stock")
    assert [s.warehouse_id for s in plan] == [ATLANTA]


def test_the_high_stock_strategy_splits_down_the_ranking_when_no_warehouse_ships_all():
    stock = {SEATTLE: {KETTLE: 2, TOASTER: 9}, EDISON: {KETTLE: 30}, ATLANTA: {KETTLE: 5}}
    plan = allocate([(KETTLE, 3), (TOASTER, 1)], PORTLAND_OR, stock, SITES, strategy="high_stock")
    assert plan == (Suborder(EDISON, ((KETTLE, 3),)), Suborder(SEATTLE, ((TOASTER, 1),)))


def test_inactive_warehouses_are_never_used():
    sites = [
        WarehouseSite(s.warehouse_id, s.latitude, s.longitude, s.warehouse_id != SEATTLE)
        for s in SITES
    ]
    stock = {SEATTLE: {KETTLE: 50}, ATLANTA: {KETTLE: 50}}
    for name in STRATEGIES:
        plan = allocate([(KETTLE, 1)], PORTLAND_OR, stock, sites, strategy=name)
        assert [s.warehouse_id for s in plan] == [ATLANTA]


def test_an_order_the_active_warehouses_cannot_fill_reports_the_shortfall_per_item():
    sites = [
        WarehouseSite(s.warehouse_id, s.latitude, s.longitude, s.warehouse_id != EDISON)
        for s in SITES
    ]
    stock = {SEATTLE: {KETTLE: 2, TOASTER: 9}, ATLANTA: {KETTLE: 1}, EDISON: {KETTLE: 100}}
    with pytest.raises(Unallocatable) as caught:
        allocate([(KETTLE, 5), (TOASTER, 9), (LAMP, 2)], PORTLAND_OR, stock, sites)
    short = caught.value
    assert short.missing == {KETTLE: 2, LAMP: 2}
    assert short.as_details() == [{"itemID": KETTLE, "missing": 2}, {"itemID": LAMP, "missing": 2}]
    assert "item 101 short by 2" in str(short) and "item 103 short by 2" in str(short)
    assert pickle.loads(pickle.dumps(short)).missing == short.missing


def test_without_a_destination_warehouses_are_taken_in_id_order():
    stock = {
        LEIPZIG: {KETTLE: 9},
        ATLANTA: {KETTLE: 9},
        COVENTRY: {KETTLE: 9, TOASTER: 9},
        EDISON: {TOASTER: 9},
    }
    assert [s.warehouse_id for s in allocate([(KETTLE, 1)], None, stock, SITES)] == [ATLANTA]
    # Pairs that can ship 12 kettles and a toaster: Atlanta+Coventry, Leipzig+Coventry.
    split = allocate([(KETTLE, 12), (TOASTER, 1)], None, stock, SITES)
    assert split == (
        Suborder(ATLANTA, ((KETTLE, 9),)),
        Suborder(COVENTRY, ((KETTLE, 3), (TOASTER, 1))),
    )


def test_two_warehouses_at_the_same_place_are_chosen_by_id():
    sites = [WarehouseSite(7, 47.6, -122.3), WarehouseSite(3, 47.6, -122.3)]
    stock = {7: {KETTLE: 5}, 3: {KETTLE: 5}}
    assert [s.warehouse_id for s in allocate([(KETTLE, 1)], PORTLAND_OR, stock, sites)] == [3]


def test_a_warehouse_without_a_location_comes_last():
    sites = [WarehouseSite(1, None, None), WarehouseSite(2, 40.0, -74.0)]
    stock = {1: {KETTLE: 5}, 2: {KETTLE: 5}}
    assert [s.warehouse_id for s in allocate([(KETTLE, 1)], PORTLAND_OR, stock, sites)] == [2]


def test_stock_of_a_warehouse_not_in_the_site_list_is_not_used():
    with pytest.raises(Unallocatable):
        allocate([(KETTLE, 1)], PORTLAND_OR, {99: {KETTLE: 5}}, SITES)


def test_a_warehouse_that_lost_the_race_is_replanned_around_with_what_is_left():
    lines = [(KETTLE, 4), (TOASTER, 2)]
    stock = {SEATTLE: {KETTLE: 4}, SAN_BERNARDINO: {TOASTER: 2}, DALLAS: {KETTLE: 9}}
    first = allocate(lines, PORTLAND_OR, stock, SITES)
    assert [s.warehouse_id for s in first] == [SEATTLE, SAN_BERNARDINO]
    # San Bernardino got its suborder; Seattle lost its kettles to another order meanwhile.
    assigned = [s for s in first if s.warehouse_id == SAN_BERNARDINO]
    left = remaining_lines(lines, assigned)
    assert left == ((KETTLE, 4),)
    fresh = {SEATTLE: {KETTLE: 1}, SAN_BERNARDINO: {}, DALLAS: {KETTLE: 9}}
    assert replan(left, PORTLAND_OR, fresh, SITES) == (Suborder(DALLAS, ((KETTLE, 4),)),)
    assert replan(left, PORTLAND_OR, fresh, SITES) == allocate(left, PORTLAND_OR, fresh, SITES)


def test_everything_assigned_leaves_nothing_to_replan():
    lines = [(KETTLE, 4)]
    plan = allocate(lines, None, {SEATTLE: {KETTLE: 4}}, SITES)
    assert remaining_lines(lines, plan) == ()
    assert replan((), None, {}, SITES) == ()
    with pytest.raises(ValueError):
        remaining_lines(lines, [Suborder(SEATTLE, ((KETTLE, 5),))])


def test_strategies_are_chosen_by_name():
    assert set(STRATEGIES) == {"nearest", "high_stock"}
    assert strategy_named("nearest") is STRATEGIES["nearest"]
    with pytest.raises(ValueError, match="high_stock, nearest"):
        allocate([(KETTLE, 1)], None, {SEATTLE: {KETTLE: 1}}, SITES, strategy="cheapest")


def test_a_strategy_that_over_assigns_is_refused():
    def greedy_liar(needs, candidates):
        return [Suborder(candidates[0].warehouse_id, ((KETTLE, 99),))]

    with pytest.raises(RuntimeError, match="gives warehouse"):
        allocate([(KETTLE, 1)], None, {SEATTLE: {KETTLE: 1}}, SITES, strategy=greedy_liar)


def test_order_lines_may_be_objects_and_repeated_items_are_added_up():
    @dataclass(frozen=True)
    class Line:
        item_id: int
        quantity: int

    plan = allocate([Line(KETTLE, 1), Line(KETTLE, 2)], None, {SEATTLE: {KETTLE: 3}}, SITES)
    assert plan == (Suborder(SEATTLE, ((KETTLE, 3),)),)


@pytest.mark.parametrize("bad", [(KETTLE, 0), (KETTLE, -1), ("101", 1), (KETTLE, 1.5)])
def test_a_line_without_a_positive_whole_quantity_is_refused(bad):
    with pytest.raises(ValueError):
        allocate([bad], None, {SEATTLE: {KETTLE: 9}}, SITES)


def test_an_empty_order_needs_no_warehouse():
    assert allocate([], PORTLAND_OR, {}, SITES) == ()


def test_a_store_too_big_for_the_exact_search_still_gets_a_complete_plan():
    # 40 warehouses, each the only one with its item: C(40, k) soon passes the budget.
    sites = [WarehouseSite(w, 30.0 + w / 10, -100.0) for w in range(1, 41)]
    stock = {w: {1000 + w: 3} for w in range(1, 41)}
    assert math.comb(40, 5) > EXACT_SEARCH_BUDGET
    lines = [(1000 + w, 2) for w in range(1, 41)]
    plan = allocate(lines, (30.0, -100.0), stock, sites)
    assert [s.warehouse_id for s in plan] == list(range(1, 41))


def test_past_the_exact_search_equal_warehouses_are_still_chosen_by_id():
    # 40 warehouses at one place, ten alike for each of four items: no three ship all
    # four items, and C(40, 4) is past the budget, so the greedy cover decides, and
    # every choice it makes is a tie on units and distance.
    sites = [WarehouseSite(w, 47.6, -122.3) for w in range(1, 41)]
    stock = {w: {1000 + (w - 1) % 4: 2} for w in range(1, 41)}
    assert sum(math.comb(40, k) for k in (2, 3, 4)) > EXACT_SEARCH_BUDGET
    lines = [(1000 + i, 2) for i in range(4)]
    plan = allocate(lines, PORTLAND_OR, stock, sites)
    assert [s.warehouse_id for s in plan] == [1, 2, 3, 4]


# ---------------------------------------------------------------- properties

ITEMS = (1, 2, 3, 4, 5)


# The strategies are built once: building them inside `scenarios` for every example
# cost more CPU than the allocations under test (same values drawn either way).
LATITUDES, LONGITUDES = st.floats(-60, 70), st.floats(-180, 180)
ACTIVE = st.booleans() | st.just(True)
STOCK = st.dictionaries(st.sampled_from(ITEMS), st.integers(0, 6), max_size=len(ITEMS))
WANTED = st.lists(st.sampled_from(ITEMS), min_size=1, max_size=4, unique=True)
QUANTITIES = st.integers(1, 8)
DESTINATIONS = st.none() | st.tuples(LATITUDES, LONGITUDES)


@st.composite
def scenarios(draw):
    n = draw(st.integers(1, 7))
    sites = [
        WarehouseSite(w, draw(LATITUDES), draw(LONGITUDES), draw(ACTIVE)) for w in range(1, n + 1)
    ]
    stock = {w: draw(STOCK) for w in range(1, n + 1)}
    lines = [(item, draw(QUANTITIES)) for item in draw(WANTED)]
    return lines, draw(DESTINATIONS), stock, sites


def _usable(stock, sites):
    return {s.warehouse_id: stock.get(s.warehouse_id, {}) for s in sites if s.active}


def _holds_all(available, lines):
    return all(available.get(item, 0) >= qty for item, qty in lines)


def _plan_or_shortfall(scenario, strategy):
    lines, destination, stock, sites = scenario
    usable = _usable(stock, sites)
    total = {item: sum(a.get(item, 0) for a in usable.values()) for item, _ in lines}
    try:
        plan = allocate(lines, destination, stock, sites, strategy=strategy)
    except Unallocatable as short:
        assert short.missing == {i: q - total[i] for i, q in lines if total[i] < q}
        assert short.missing  # raised only when something really is short
        return None
    assert all(total[i] >= q for i, q in lines)
    return plan


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.sampled_from(sorted(STRATEGIES)))
def test_no_warehouse_is_ever_given_more_than_it_has(scenario, strategy):
    plan = _plan_or_shortfall(scenario, strategy)
    if plan is None:
        return
    usable = _usable(scenario[2], scenario[3])
    assert len({s.warehouse_id for s in plan}) == len(plan)
    for suborder in plan:
        assert suborder.warehouse_id in usable  # active and known
        for item, qty in suborder.lines:
            assert 0 < qty <= usable[suborder.warehouse_id].get(item, 0)


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.sampled_from(sorted(STRATEGIES)))
def test_the_suborders_cover_every_line_exactly(scenario, strategy):
    plan = _plan_or_shortfall(scenario, strategy)
    if plan is None:
        return
    covered: dict[int, int] = {}
    for suborder in plan:
        for item, qty in suborder.lines:
            covered[item] = covered.get(item, 0) + qty
    assert covered == dict(scenario[0])


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_nearest_ships_from_the_nearest_single_warehouse_whenever_one_holds_everything(scenario):
    lines, destination, stock, sites = scenario
    whole = [s for s in sites if s.active and _holds_all(stock.get(s.warehouse_id, {}), lines)]
    if not whole:
        return
    plan = allocate(lines, destination, stock, sites)
    assert len(plan) == 1

    def distance(site):
        return 0.0 if destination is None else round(haversine_km(destination, site.location), 3)

    nearest = min(whole, key=lambda s: (distance(s), s.warehouse_id))
    assert plan[0].warehouse_id == nearest.warehouse_id


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_nearest_uses_the_fewest_warehouses_possible(scenario):
    plan = _plan_or_shortfall(scenario, "nearest")
    if plan is None:
        return
    lines, _, stock, sites = scenario
    usable = _usable(stock, sites)
    fewest = next(
        k
        for k in range(1, len(usable) + 1)
        for group in combinations(usable.values(), k)
        if all(sum(a.get(i, 0) for a in group) >= q for i, q in lines)
    )
    assert len(plan) == fewest


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.sampled_from(sorted(STRATEGIES)), st.randoms(use_true_random=False))
def test_the_plan_does_not_depend_on_the_order_of_the_inputs(scenario, strategy, rng):
    lines, destination, stock, sites = scenario
    shuffled_sites = list(sites)
    rng.shuffle(shuffled_sites)
    shuffled_lines = list(lines)
    rng.shuffle(shuffled_lines)
    try:
        expected = allocate(lines, destination, stock, sites, strategy=strategy)
    except Unallocatable:
        return
    assert (
        allocate(shuffled_lines, destination, stock, shuffled_sites, strategy=strategy) == expected
    )
