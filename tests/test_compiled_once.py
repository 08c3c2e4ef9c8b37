"""What the test session's apps share (tests/compiled_once.py) changes nothing they
answer: every route builds the URLs werkzeug's own builders would, and a page renders
the same from shared compiled templates as from templates compiled for its app alone."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing.converters import IntegerConverter

from tests import compiled_once
from tests.web.fakes import fake_services, fake_settings
from web import create_app

pytestmark = pytest.mark.unit


def _app():
    settings = fake_settings()
    app = create_app(settings, services=fake_services(settings))
    app.config["TESTING"] = True
    return app


def _values(rule) -> dict[str, object]:
    values: dict[str, object] = {
        name: 7 if isinstance(converter, IntegerConverter) else "a b/ü"
        for name, converter in rule._converters.items()
    }
    values["unknown"] = "x y&z"  # appended as a query string by the "unknown" builder
    return values


def test_every_route_builds_the_same_urls_with_the_shared_builders():
    for app in (_app(), _app()):  # the second app's rules get the first one's builders
        for rule in app.url_map.iter_rules():
            for append_unknown in (False, True):
                own = compiled_once.own_builder(rule, append_unknown)
                shared = rule._build_unknown if append_unknown else rule._build
                assert shared(**_values(rule)) == own(**_values(rule)), rule.rule


def test_a_page_renders_the_same_from_the_shared_compiled_templates():
    shared_app, own_app = _app(), _app()
    own_app.jinja_env.bytecode_cache = None  # compiles its templates for itself
    shared_app.test_client().get("/search?q=lamp")  # compiled, or taken from the cache

    shared_page = shared_app.test_client().get("/search?q=lamp")
    own_page = own_app.test_client().get("/search?q=lamp")

    assert shared_page.status_code == own_page.status_code == 200
    assert shared_app.jinja_env.bytecode_cache is compiled_once.TEMPLATES
    assert compiled_once.TEMPLATES.codes
    assert _without_nonces(shared_page.text) == _without_nonces(own_page.text)


def _without_nonces(page: str) -> str:
    """The page less what differs per request (CSP nonces, CSRF tokens)."""
    return re.sub(r"[A-Za-z0-9_-]{32,}", "<random>", page)
