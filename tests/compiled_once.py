"""What the test session's apps compile once and share: URL builders and templates.

Production builds one app per process; the test session builds hundreds (a fresh app
per web test on fakes), and each new app compiled again what the last one had:

- werkzeug's two URL-building functions per route (`Rule.compile` → `_compile_builder`:
  an AST assembled, walked and compiled), ~50 ms of CPU for the storefront's ~110 routes,
  most of what `create_app` costs;
- every template it renders (Jinja keeps compiled templates per environment, so per
  app), ~100 ms for the first few pages of a fresh app.

So the session keeps both. A builder's code depends only on what `_builder_key` holds
(the rule's text, its parsed trace, its defaults as its converters render them, and
whether unknown arguments are appended); it reads the converters through its `.self`
argument at call time, so one builder serves every app. A template's code is Jinja's
bytecode cache entry, used only while the template's source checksum matches, and all
the session's apps share one Jinja configuration (Flask's). `test_compiled_once.py`
checks that every route builds the same URLs and a page renders the same either way.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version
from types import CodeType
from typing import Any

from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from werkzeug.routing.rules import Rule

# The werkzeug releases whose `_compile_builder` was read for `_builder_key`; on another
# release the builders are not shared (the session is slower, never wrong).
VERIFIED_WERKZEUG = ("3.1.",)

_compile_builder: Callable[..., Any] = Rule._compile_builder
_builders: dict[tuple, Callable[..., Any]] = {}


def _builder_key(rule: Rule, append_unknown: bool) -> tuple:
    defaults = rule.defaults or {}
    rendered = tuple(
        (name, rule._converters[name].to_url(value))
        for name, value in defaults.items()
        if name in rule._converters
    )
    return (append_unknown, rule.rule, tuple(rule._trace), tuple(defaults), rendered)


def _shared_builder(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
    key = _builder_key(self, append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(self, append_unknown)
    return builder


class SharedTemplates(BytecodeCache):
    """Jinja's bytecode cache in memory, for every app of the process."""

    def __init__(self) -> None:
        self.codes: dict[tuple[str, str], CodeType] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.codes.get((bucket.key, bucket.checksum))
        if code is not None:
            bucket.code = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self.codes[(bucket.key, bucket.checksum)] = bucket.code


TEMPLATES = SharedTemplates()


def share() -> None:
    """From now on, every app of this process shares builders (on a verified werkzeug)
    and compiled templates."""
    if version("werkzeug").startswith(VERIFIED_WERKZEUG):
        Rule._compile_builder = _shared_builder  # type: ignore[method-assign]
    Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": TEMPLATES}


def own_builder(rule: Rule, append_unknown: bool) -> Callable[..., Any]:
    """What werkzeug itself compiles for `rule` (for the test that compares the two)."""
    return _compile_builder(rule, append_unknown).__get__(rule, None)
