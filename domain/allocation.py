"""Allocation: split an order into per-warehouse suborders.

Pure functions over plain values (no I/O): the order workflow's planning activity reads
warehouse stock and locations, calls `allocate`, and starts one suborder (its SuborderWorkflow)
per `Suborder`. When a warehouse loses the race for its stock (its conditional
`available_stock` decrement fails), the workflow calls `replan` on what is left, which
is `allocate` again over freshly read stock: there is no second algorithm.

Rules every strategy obeys (and `allocate` re-checks on the way out):
- only active warehouses listed in `warehouses` take part;
- a warehouse is never given more of an item than it has available;
- the suborders together cover every order line exactly;
- the same input gives the same plan (ties are broken by warehouse id);
- if the active warehouses together hold too little, `Unallocatable` says what is missing.

Strategies, chosen by name from `STRATEGIES` (a setting picks one):

"nearest" (the default)
    One warehouse that can ship everything, the nearest such. Otherwise the fewest
    warehouses that together hold everything; among equally few, the set whose farthest
    member is nearest (the parcel that arrives last), then the smallest total distance,
    then the lowest ids. The search is exact: every combination of k = 2, 3, ...
    warehouses is tried, which costs C(n, k) cheap checks (a store of 8 warehouses has
    at most 256 subsets in all). If the next k would take the search past
    `EXACT_SEARCH_BUDGET` combinations (say 20 warehouses and an order that needs 5 or
    more of them) it settles for greedy set cover instead: repeatedly add the warehouse
    that covers the most still-missing units, nearest first on ties. Greedy always finds
    a plan but not always the fewest warehouses.
    Within the chosen set, each line goes whole to the nearest warehouse that holds all
    of it; a line is split (nearest first) only when no chosen warehouse holds all of it.

"high_stock" ("prioritize high stock")
    Warehouses are ranked by how much of the ordered items they hold (the sum of their
    available units of those items), fullest first, then nearest, then lowest id. One
    warehouse that can ship everything, the highest-ranked such; otherwise each line
    goes whole to the highest-ranked warehouse holding all of it, or is split down the
    ranking. This drains the fullest warehouses and may use more warehouses than
    "nearest" would.

Without a destination (the address could not be located) every distance is 0, so the
same rules pick warehouses in id order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from domain.geo import LatLon, haversine_km

# (item_id, quantity): one line of a plan. Not db.postgres.models.OrderLine (the stored row).
ItemQuantity = tuple[int, int]

DEFAULT_STRATEGY = "nearest"
# Combinations the exact "fewest warehouses" search may try before it settles for greedy.
EXACT_SEARCH_BUDGET = 20_000


@dataclass(frozen=True)
class WarehouseSite:
    """Where a warehouse is and whether it takes orders (a row of `warehouses`)."""

    warehouse_id: int
    latitude: float | None
    longitude: float | None
    active: bool = True

    @property
    def location(self) -> LatLon | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


@dataclass(frozen=True)
class Suborder:
    """What one warehouse ships: lines sorted by item id, every quantity > 0."""

    warehouse_id: int
    lines: tuple[ItemQuantity, ...]

    @property
    def units(self) -> int:
        return sum(quantity for _, quantity in self.lines)


@dataclass(frozen=True)
class Candidate:
    """A warehouse as a strategy sees it.

    `available` holds only the ordered items this warehouse has (> 0 units);
    `distance_km` is 0 when the destination is unknown and infinite when the warehouse
    has no location (so it comes last).
    """

    warehouse_id: int
    distance_km: float
    available: Mapping[int, int]


class Unallocatable(Exception):
    """The active warehouses together hold less than the order asks for.

    `missing` maps item id → units short. The order workflow waits for a restock or
    re-plans; it never ships part of an order silently.
    """

    def __init__(self, missing: Mapping[int, int]):
        self.missing: dict[int, int] = dict(sorted(missing.items()))
        # args = (missing,) so the exception pickles and re-raises unchanged.
        super().__init__(self.missing)

    def __str__(self) -> str:
        short = ", ".join(f"item {item} short by {units}" for item, units in self.missing.items())
        return f"not enough stock in active warehouses: {short}"

    def as_details(self) -> list[dict[str, int]]:
        return [{"itemID": item, "missing": units} for item, units in self.missing.items()]


# A strategy gets the order's needs (item id → quantity, sorted by item id) and the
# candidates sorted nearest first (then by id), and returns the suborders.
Strategy = Callable[[Mapping[int, int], Sequence[Candidate]], list[Suborder]]


def allocate(
    lines: Iterable[Any],
    destination: LatLon | None,
    stock: Mapping[int, Mapping[int, int]],
    warehouses: Iterable[WarehouseSite],
    *,
    strategy: str | Strategy = DEFAULT_STRATEGY,
) -> tuple[Suborder, ...]:
    """Split order `lines` into suborders, one per warehouse.

    `lines`: (item_id, quantity) pairs, or objects with `item_id` and `quantity`;
    repeated items are added up. `destination`: (lat, lon) of the shipping address, or
    None when it could not be located. `stock`: {warehouse_id: {item_id: available}}.
    `warehouses`: where each warehouse is and whether it is active; warehouses missing
    from it are not used. Returns suborders in the strategy's order of preference
    (nearest first for "nearest"); an empty order gives ().
    Raises `Unallocatable` when stock is short, ValueError for a bad line or strategy.
    """
    plan = strategy_named(strategy) if isinstance(strategy, str) else strategy
    needs = _needs(lines)
    if not needs:
        return ()
    candidates = _candidates(needs, destination, stock, warehouses)
    held = {item: sum(c.available.get(item, 0) for c in candidates) for item in needs}
    missing = {item: qty - held[item] for item, qty in needs.items() if held[item] < qty}
    if missing:
        raise Unallocatable(missing)
    suborders = plan(needs, candidates)
    _check_plan(suborders, needs, candidates)
    return tuple(suborders)


def replan(
    remaining: Iterable[Any],
    destination: LatLon | None,
    stock: Mapping[int, Mapping[int, int]],
    warehouses: Iterable[WarehouseSite],
    *,
    strategy: str | Strategy = DEFAULT_STRATEGY,
) -> tuple[Suborder, ...]:
    """Plan what is left after a warehouse lost the race for its stock.

    Exactly `allocate` over the remaining lines (see `remaining_lines`) and stock read
    again after the race, so the loser's real, lower stock is what counts now.
    """
    return allocate(remaining, destination, stock, warehouses, strategy=strategy)


def remaining_lines(lines: Iterable[Any], assigned: Iterable[Suborder]) -> tuple[ItemQuantity, ...]:
    """The order lines not yet covered by the suborders that were assigned successfully."""
    left = _needs(lines)
    for suborder in assigned:
        for item, quantity in suborder.lines:
            if left.get(item, 0) < quantity:
                raise ValueError(f"suborders assign more of item {item} than the order has")
            left[item] -= quantity
    return tuple((item, quantity) for item, quantity in left.items() if quantity > 0)


def strategy_named(name: str) -> Strategy:
    try:
        return STRATEGIES[name]
    except KeyError:
        known = ", ".join(sorted(STRATEGIES))
        raise ValueError(f"unknown allocation strategy {name!r}; choose one of {known}") from None


# ---------------------------------------------------------------- strategies


def nearest(needs: Mapping[int, int], candidates: Sequence[Candidate]) -> list[Suborder]:
    """One warehouse if any can ship everything, else the fewest, nearest first."""
    for candidate in candidates:  # nearest first
        if _covers([candidate], needs):
            return _assign_lines(needs, [candidate])
    return _assign_lines(needs, _fewest_nearest(needs, candidates))


def high_stock(needs: Mapping[int, int], candidates: Sequence[Candidate]) -> list[Suborder]:
    """Prefer the warehouses holding the most of the ordered items, nearest on ties."""
    ranked = sorted(
        candidates,
        key=lambda c: (-sum(c.available.values()), c.distance_km, c.warehouse_id),
    )
    for candidate in ranked:
        if _covers([candidate], needs):
            return _assign_lines(needs, [candidate])
    return _assign_lines(needs, ranked)


STRATEGIES: dict[str, Strategy] = {"nearest": nearest, "high_stock": high_stock}


# ---------------------------------------------------------------- internals


def _needs(lines: Iterable[Any]) -> dict[int, int]:
    needs: dict[int, int] = {}
    for line in lines:
        if isinstance(line, tuple):
            item, quantity = line
        else:
            item, quantity = line.item_id, line.quantity
        if not isinstance(item, int) or not isinstance(quantity, int) or quantity <= 0:
            raise ValueError(f"an order line needs an item id and a quantity > 0, got {line!r}")
        needs[item] = needs.get(item, 0) + quantity
    return dict(sorted(needs.items()))


def _candidates(
    needs: Mapping[int, int],
    destination: LatLon | None,
    stock: Mapping[int, Mapping[int, int]],
    warehouses: Iterable[WarehouseSite],
) -> list[Candidate]:
    candidates = []
    for site in warehouses:
        if not site.active:
            continue
        on_hand = stock.get(site.warehouse_id, {})
        available = {item: on_hand.get(item, 0) for item in needs if on_hand.get(item, 0) > 0}
        if available:
            candidates.append(
                Candidate(site.warehouse_id, _distance(destination, site.location), available)
            )
    candidates.sort(key=lambda c: (c.distance_km, c.warehouse_id))
    return candidates


def _distance(destination: LatLon | None, location: LatLon | None) -> float:
    if destination is None:
        return 0.0
    if location is None:
        return math.inf
    # Rounded to the metre so two centres of one city tie and fall back to the id.
    return round(haversine_km(destination, location), 3)


def _covers(group: Iterable[Candidate], needs: Mapping[int, int]) -> bool:
    group = list(group)
    return all(
        sum(c.available.get(item, 0) for c in group) >= quantity for item, quantity in needs.items()
    )


def _fewest_nearest(needs: Mapping[int, int], candidates: Sequence[Candidate]) -> list[Candidate]:
    """The fewest warehouses that hold everything (see the module docstring)."""
    greedy = _greedy_cover(needs, candidates)
    budget = EXACT_SEARCH_BUDGET
    for k in range(2, len(greedy) + 1):
        count = math.comb(len(candidates), k)
        if count > budget:
            return greedy
        budget -= count
        best: tuple[tuple[float, float, tuple[int, ...]], tuple[Candidate, ...]] | None = None
        for group in combinations(candidates, k):
            if not _covers(group, needs):
                continue
            distances = [c.distance_km for c in group]
            key = (max(distances), sum(distances), tuple(sorted(c.warehouse_id for c in group)))
            if best is None or key < best[0]:
                best = (key, group)
        if best is not None:
            return list(best[1])  # already nearest first: combinations keep the input order
    return greedy  # not reached: greedy's own set is one of the k = len(greedy) combinations


def _greedy_cover(needs: Mapping[int, int], candidates: Sequence[Candidate]) -> list[Candidate]:
    missing = dict(needs)
    pool = list(candidates)
    chosen: list[Candidate] = []
    while any(missing.values()):

        def gain(c: Candidate) -> int:
            return sum(min(c.available.get(item, 0), units) for item, units in missing.items())

        best = min(pool, key=lambda c: (-gain(c), c.distance_km, c.warehouse_id))
        pool.remove(best)
        chosen.append(best)
        for item in missing:
            missing[item] -= min(best.available.get(item, 0), missing[item])
    chosen.sort(key=lambda c: (c.distance_km, c.warehouse_id))
    return chosen


def _assign_lines(needs: Mapping[int, int], preference: Sequence[Candidate]) -> list[Suborder]:
    """Each line whole to the first warehouse holding all of it, else split in order."""
    assigned: dict[int, dict[int, int]] = {c.warehouse_id: {} for c in preference}
    for item, quantity in needs.items():
        whole = next((c for c in preference if c.available.get(item, 0) >= quantity), None)
        if whole is not None:
            assigned[whole.warehouse_id][item] = quantity
            continue
        left = quantity
        for c in preference:
            take = min(left, c.available.get(item, 0))
            if take:
                assigned[c.warehouse_id][item] = take
                left -= take
            if not left:
                break
    return [
        Suborder(c.warehouse_id, tuple(sorted(assigned[c.warehouse_id].items())))
        for c in preference
        if assigned[c.warehouse_id]
    ]


def _check_plan(
    suborders: Sequence[Suborder], needs: Mapping[int, int], candidates: Sequence[Candidate]
) -> None:
    """Refuse a plan that breaks the rules (guards strategies plugged into STRATEGIES)."""
    by_id = {c.warehouse_id: c for c in candidates}
    covered: dict[int, int] = {}
    seen: set[int] = set()
    for suborder in suborders:
        where = suborder.warehouse_id
        if where not in by_id or where in seen or not suborder.lines:
            raise RuntimeError(f"allocation plan has a bad suborder for warehouse {where}")
        seen.add(where)
        items = [item for item, _ in suborder.lines]
        if len(set(items)) != len(items):
            raise RuntimeError(f"allocation plan repeats an item for warehouse {where}")
        for item, quantity in suborder.lines:
            if quantity <= 0 or quantity > by_id[where].available.get(item, 0):
                raise RuntimeError(
                    f"allocation plan gives warehouse {where} {quantity} of item {item}"
                )
            covered[item] = covered.get(item, 0) + quantity
    if covered != dict(needs):
        raise RuntimeError(f"allocation plan covers {covered}, the order needs {dict(needs)}")
