"""Every page and JSON handler only translates: it reads the request, calls a use case and
turns the outcome into HTML or JSON (docs/architecture.md, "A web feature"). A handler that
grows past a screenful is deciding something, and the decision belongs in the feature's
`use_cases.py` or a shared translation helper, where the fast tests reach it without Flask."""

from __future__ import annotations

import ast
import inspect
import linecache
import textwrap
from collections.abc import Callable, Iterable, Iterator

import pytest
from flask import Flask

pytestmark = pytest.mark.unit

# From the `def` line to the last line, blank lines and comments included, the docstring not.
MAX_HANDLER_LINES = 25


def handler_length(view: Callable[..., object]) -> int:
    """The lines of `view`'s body and signature, its decorators and docstring left out."""
    source = textwrap.dedent(inspect.getsource(view))
    function = ast.parse(source).body[0]
    assert isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef), view
    length = function.end_lineno - function.lineno + 1
    first = function.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        if isinstance(first.value.value, str):
            length -= first.end_lineno - first.lineno + 1
    return length


def project_handlers(app: Flask) -> Iterator[tuple[str, Callable[..., object]]]:
    """(endpoint, the undecorated view) for every route the app serves from `web/`."""
    for rule in app.url_map.iter_rules():
        view = inspect.unwrap(app.view_functions[rule.endpoint])
        if (getattr(view, "__module__", None) or "").split(".")[0] == "web":
            yield rule.endpoint, view


def long_handlers(handlers: Iterable[tuple[str, Callable[..., object]]]) -> list[str]:
    found = {
        f"{view.__module__}.{view.__qualname__} ({endpoint}): {handler_length(view)} lines"
        for endpoint, view in handlers
        if handler_length(view) > MAX_HANDLER_LINES
    }
    return sorted(found)


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    from tests.web.fakes import fake_services, fake_settings
    from web import create_app

    settings = fake_settings()
    app = create_app(settings, services=fake_services(settings))
    yield app
    app.extensions["shopflow"].close()


def test_every_handler_is_a_thin_translator(app: Flask):
    offenders = long_handlers(project_handlers(app))
    assert not offenders, (
        f"handlers longer than {MAX_HANDLER_LINES} lines (move the deciding into the feature's "
        "use_cases.py or a shared web/*.py helper):\n  " + "\n  ".join(offenders)
    )


def test_the_walk_reaches_the_features_handlers(app: Flask):
    endpoints = {endpoint for endpoint, _ in project_handlers(app)}
    assert {
        "search.results",
        "auth.login",
        "cart.show",
        "api_warehouses.get_suborders",
    } <= endpoints
    assert len(endpoints) > 50


def test_a_long_handler_is_named_and_its_docstring_is_not_counted():
    body = "".join(f"    x{n} = {n}\n" for n in range(MAX_HANDLER_LINES))
    source = f'def sprawling():\n    """Docs\n    do not count."""\n{body}    return x0\n'
    namespace: dict[str, object] = {}
    exec(compile(source, "<sprawling>", "exec"), namespace)  # noqa: S102
    sprawling = namespace["sprawling"]
    linecache.cache["<sprawling>"] = (len(source), None, source.splitlines(True), "<sprawling>")
    try:
        assert handler_length(sprawling) == MAX_HANDLER_LINES + 2
        assert long_handlers([("shop.sprawling", sprawling)]) == [
            f"{sprawling.__module__}.sprawling (shop.sprawling): {MAX_HANDLER_LINES + 2} lines"
        ]
    finally:
        linecache.cache.pop("<sprawling>")
