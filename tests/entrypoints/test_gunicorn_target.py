"""gunicorn serves what its command line names: `entrypoints.asgi:app`, built on first
access (once per worker, after forking), never on import."""

from __future__ import annotations

import importlib

import pytest

from entrypoints.gunicorn import gunicorn_args
from settings import Settings

pytestmark = pytest.mark.unit


def test_the_gunicorn_target_is_the_composition_roots_asgi_app(monkeypatch):
    module_name, attribute = gunicorn_args(Settings())[-1].split(":")
    module = importlib.import_module(module_name)
    built = []
    monkeypatch.setattr(module, "build_asgi_app", lambda settings: built.append(settings) or "app")
    assert attribute not in vars(module)  # importing built nothing

    assert getattr(module, attribute) == "app"
    assert len(built) == 1 and isinstance(built[0], Settings)
    monkeypatch.delattr(module, attribute)  # the next test builds its own
