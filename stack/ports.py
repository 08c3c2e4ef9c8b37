"""Loopback port helpers: find free ports, tell whether a port is taken, wait for one to open."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import random
import socket
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from settings import Settings

LOOPBACK = "127.0.0.1"


# Where free ports are taken: below the kernel's ephemeral range (32768-60999 on Linux).
# A port the kernel hands out for bind(0) may meanwhile become the source port of some
# outgoing connection: twenty cluster nodes connecting to each other during their
# half-minute start once made a web instance fail with "Address already in use".
QUIET_PORTS = (20_000, 32_000)
# How long a port handed out stays promised to its taker, across every process of this
# user on this machine: long enough for the slowest stack to start and bind it.
PROMISE_SECONDS = 600.0


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port nobody listens on right now, promised to the caller (see free_ports)."""
    return free_ports(1, host)[0]


def free_ports(count: int, host: str = LOOPBACK, *, offset: int = 0) -> list[int]:
    """`count` distinct ports nobody listens on, below the kernel's ephemeral range, and
    not handed out to any process on this machine in the last PROMISE_SECONDS.

    The promise is why two stacks started side by side (the suite's two workers, a bench
    beside a running store) never choose the same port between one's choice and its
    server's bind; CI saw a store fail to start when the other worker's stack took one.
    With `offset`, port + offset must be free too and is promised as well (Redis Cluster's
    bus port)."""
    candidates = list(range(QUIET_PORTS[0], QUIET_PORTS[1] - offset))
    random.shuffle(candidates)
    with _promises() as promised:
        now = time.time()
        for port in [p for p, until in promised.items() if until < now]:
            del promised[port]
        chosen: list[int] = []
        for port in candidates:
            pair = (port, port + offset) if offset else (port,)
            if any(p in promised or p in chosen or port_in_use(host, p) for p in pair):
                continue
            chosen.extend(pair)
            if len(chosen) == count * len(pair):
                for p in chosen:
                    promised[p] = now + PROMISE_SECONDS
                return chosen[:: len(pair)]
    raise RuntimeError(f"no {count} free ports between {QUIET_PORTS[0]} and {QUIET_PORTS[1]}")


@contextlib.contextmanager
def _promises() -> Iterator[dict[int, float]]:
    """The ports promised so far ({port: until}), read and written under a file lock."""
    path = Path(tempfile.gettempdir()) / f"shopflow-ports-{os.getuid()}.json"
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # released when the file closes
        fh.seek(0)
        try:
            promised = {int(port): float(until) for port, until in json.loads(fh.read()).items()}
        except ValueError:  # a new (empty) or torn ledger: nothing promised
            promised = {}
        yield promised
        fh.seek(0)
        fh.truncate()
        json.dump(promised, fh)


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on host:port (or the bind is refused).

    Binding with SO_REUSEADDR (as servers do) ignores TIME_WAIT leftovers but fails
    when a live listener holds the port on that address or on 0.0.0.0.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        return True
    finally:
        sock.close()
    return False


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when a TCP connect to host:port succeeds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_port(host: str, port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(host, port):
            return True
        time.sleep(0.05)
    return False


def settings_on_free_ports(var_dir: Path, **overrides: object) -> Settings:
    """Settings for a stack of its own (tests, benchmarks): its own var dir and free
    loopback ports for every embedded server and the web app, so it can run beside a
    `make run` or another stack."""
    redis, typesense, peering, temporal, temporal_ui, web, smtp = free_ports(7)
    return replace(
        Settings(
            var_dir=Path(var_dir),
            redis_port=redis,
            typesense_port=typesense,
            typesense_peering_port=peering,
            temporal_port=temporal,
            temporal_ui_port=temporal_ui,
            smtp_port=smtp,
            port=web,
        ),
        **overrides,
    )
