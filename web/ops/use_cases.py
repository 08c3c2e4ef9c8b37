"""Is this web process ready for traffic (the use case of /readyz)? One short probe per
service, all at once.

Each probe gets `timeout` seconds; a probe that raises or does not answer in time
marks its service down. The probes run in parallel on a small pool of their own, so
a hung service costs one timeout, not four, and never a request thread's worth of
waiting on a pool shared with shoppers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass

# The order the JSON names them in.
SERVICES = ("postgresql", "redis", "typesense", "temporal")

# The port: one service's probe, given its budget in seconds; raises when the service
# is not usable (web/ops/probes.py builds the real ones from Services).
Probe = Callable[[float], None]

_pool = ThreadPoolExecutor(max_workers=len(SERVICES), thread_name_prefix="readyz")


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]  # service -> "up" or "down: <why>"

    @property
    def ready(self) -> bool:
        return all(state == "up" for state in self.checks.values())

    @property
    def down(self) -> list[str]:
        return [name for name, state in self.checks.items() if state != "up"]


def check_readiness(probes: Mapping[str, Probe], timeout: float) -> Readiness:
    futures = {name: _pool.submit(probes[name], timeout) for name in SERVICES if name in probes}
    # A little slack over the probes' own timeouts, so their error wins over ours.
    wait(futures.values(), timeout=timeout + 0.5)
    checks = {}
    for name, future in futures.items():
        if not future.done():
            checks[name] = f"down: no answer in {timeout:g}s"
        elif (error := future.exception()) is not None:
            checks[name] = f"down: {_reason(error)}"
        else:
            checks[name] = "up"
    return Readiness(checks)


def _reason(error: BaseException) -> str:
    # The exception's class and first line: enough to act on, no connection strings
    # (a URL may carry a password; the messages below never echo one).
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return type(error).__name__ + (f": {text[:200]}" if text and "://" not in text else "")
