"""Loopback port helpers: find free ports, tell whether a port is taken, wait for one to open."""

from __future__ import annotations

import socket
import time
from dataclasses import replace
from pathlib import Path

from settings import Settings

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port nobody listens on right now (the kernel picks it)."""
    return free_ports(1, host)[0]


def free_ports(count: int, host: str = LOOPBACK) -> list[int]:
    """`count` distinct free ports: all sockets stay bound until every port is chosen."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.bind((host, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


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
