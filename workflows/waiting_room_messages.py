"""What WaitingRoomWorkflow and its one activity exchange (plain dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass

WAITING_ROOM_TICK = "waiting_room_tick"
# Each run keeps a short history: this many ticks, then continue-as-new.
TICKS_PER_RUN = 400


def waiting_room_workflow_id(item_id: int) -> str:
    return f"waiting-room-{item_id}"


@dataclass(frozen=True)
class WaitingRoomInput:
    item_id: int
    # Admissions per second and at most this many at once (the token bucket).
    rate_per_second: float
    burst: int
    # An admitted shopper has this long to begin checkout.
    window_seconds: int
    # How often the workflow looks while anyone waits or holds an admission, and when idle.
    tick_ms: int = 250
    idle_tick_ms: int = 1000
    ticks_per_run: int = TICKS_PER_RUN
    # Tokens carried over continue-as-new.
    tokens: float = 0.0


@dataclass(frozen=True)
class TickRequest:
    item_id: int
    max_tickets: int
    window_seconds: int


@dataclass(frozen=True)
class TickResult:
    hot: bool
    admitted: int = 0
    expired: int = 0
    sold_out_told: int = 0
    waiting: int = 0
    outstanding_units: int = 0
    units_left: int = 0
    held: int = 0
    sold_out: bool = False
