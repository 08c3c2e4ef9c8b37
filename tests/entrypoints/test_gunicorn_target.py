"""gunicorn serves what its command line names: `entrypoints.asgi:app`, built on first
access (once per worker, after forking), never on import."""

from __future__ import annotations

import gc
import importlib

import pytest
from gunicorn.app.base import Application

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


def test_a_worker_freezes_what_it_built_so_collections_skip_it():
    # As gunicorn reads the hooks module that `shopflow web` names (`--config python:...`).
    app = _HooksOnly.__new__(_HooksOnly)
    app.usage = app.prog = None
    app.load_default_config()
    args = gunicorn_args(Settings())
    app.load_config_from_module_name_or_filename(args[args.index("--config") + 1])
    assert gc.get_freeze_count() == 0
    try:
        app.cfg.post_worker_init(None)
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()  # this interpreter goes on collecting for the other tests


class _HooksOnly(Application):
    def init(self, parser, opts, args):
        pass

    def load(self):
        pass
