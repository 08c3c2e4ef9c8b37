"""The whole app on fakes: `create_app(settings, services=...)` with the fast layer's
services (tests/web/fakes.py) and the warehouse portal on in-memory ports."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from tests.fakes.warehouses import FakePorts, fake_ports
from tests.web.fakes import fake_services, fake_settings
from web import create_app


@contextmanager
def fast_portal_app(ports: FakePorts | None = None) -> Iterator[tuple[Flask, FakePorts]]:
    ports = ports or fake_ports()
    settings = fake_settings()
    app = create_app(settings, services=fake_services(settings, warehouses=ports.portal()))
    app.config["TESTING"] = True
    try:
        yield app, ports
    finally:
        app.extensions["shopflow"].close()
