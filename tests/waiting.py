"""Waiting for something the store does in the background: one poller for every test."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

PATIENCE_SECONDS = 30.0


def wait_until(
    check: Callable[[], Any],
    *,
    what: str,
    seconds: float = PATIENCE_SECONDS,
    every: float = 0.1,
    errors_mean_not_yet: bool = False,
) -> Any:
    """Poll `check` until it returns something truthy and return that; fail with `what`
    at the deadline. `errors_mean_not_yet`: an exception from `check` (a server on its
    way back) is a "not yet"; a failed assertion never is."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            found = check()
        except AssertionError:
            raise
        except Exception:
            if not errors_mean_not_yet:
                raise
            found = None
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} (within {seconds:.0f} s)")
        time.sleep(every)
