"""gunicorn serves what its command line names: `entrypoints.asgi:app`, built on first
access (once per worker, after forking), never on import."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from entrypoints.gunicorn import gunicorn_args
from settings import PROJECT_ROOT, Settings

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
    # As gunicorn reads the hooks module that `shopflow web` names (`--config python:...`),
    # in a process of its own: freezing is for the whole interpreter.
    script = (
        "import gc\n"
        "from gunicorn.app.base import Application\n"
        "from entrypoints.gunicorn import gunicorn_args\n"
        "from settings import Settings\n"
        "class App(Application):\n"
        "    def init(self, parser, opts, args): pass\n"
        "    def load(self): pass\n"
        "app = App.__new__(App)\n"
        "app.usage = app.prog = None\n"
        "app.load_default_config()\n"
        "args = gunicorn_args(Settings())\n"
        "app.load_config_from_module_name_or_filename(args[args.index('--config') + 1])\n"
        "assert gc.get_freeze_count() == 0\n"
        "app.cfg.post_worker_init(None)\n"
        "print(gc.get_freeze_count() > 1000)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "True", done.stderr
