"""The OpenAPI document at /api/v1/openapi.json tells the truth about the app's routes:
every /api/v1 route is in it, nothing else is, every `$ref` resolves, and /api/docs
shows it with vendored Swagger UI (no CDN).

(That every documented status can really be provoked, with a body matching the
documented schema, is tests/web/test_openapi_statuses.py.)
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.web.auth_fast import *  # noqa: F403 - client on the fake shop
from web.openapi import document

METHODS = {"get", "post", "put", "patch", "delete"}


def app_routes() -> set[tuple[str, str]]:
    """(path with {} for each parameter, method) of every /api/v1 route of the app (Flask
    and the ASGI app's streams)."""
    from web import _feature_blueprints

    app = Flask(__name__)
    for blueprint in _feature_blueprints():
        app.register_blueprint(blueprint)
    # The SSE streams are routes of the ASGI app beside Flask (web/live/asgi.py).
    from web.live.asgi import API_STREAM_PATHS

    routes = {(re.sub(r"\{[^}]+\}", "{}", path), "get") for path in API_STREAM_PATHS}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<[^>]+>", "{}", rule.rule)
            routes |= {
                (path, method.lower()) for method in rule.methods if method.lower() in METHODS
            }
    return routes


def documented_routes() -> set[tuple[str, str]]:
    return {
        (re.sub(r"\{[^}]+\}", "{}", path), method)
        for path, item in document()["paths"].items()
        for method in item
        if method in METHODS
    }


@pytest.mark.unit
def test_every_api_route_of_the_app_is_documented():
    missing = app_routes() - documented_routes()

    assert not missing, f"routes missing from web/api/openapi: {sorted(missing)}"


@pytest.mark.unit
def test_the_document_describes_no_route_the_app_does_not_have():
    invented = documented_routes() - app_routes()

    assert not invented, f"documented but not in the app: {sorted(invented)}"


@pytest.mark.unit
def test_every_path_parameter_is_declared_and_every_operation_has_an_id():
    seen_ids = set()
    for path, item in document()["paths"].items():
        in_path = set(re.findall(r"\{([^}]+)\}", path))
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == in_path, f"{method} {path}"
            assert operation["operationId"] not in seen_ids
            seen_ids.add(operation["operationId"])
            assert operation["responses"], f"{method} {path} documents no response"


@pytest.mark.unit
def test_every_reference_in_the_document_resolves():
    doc = document()

    def refs(node: Any):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for target in set(refs(doc)):
        assert target.startswith("#/"), target
        node: Any = doc
        for part in target[2:].split("/"):
            assert part in node, f"{target} does not resolve"
            node = node[part]


@pytest.mark.unit
def test_the_document_is_openapi_3_1_with_bearer_auth():
    doc = document()

    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert doc["security"] == [{"bearer": []}]  # the default; public operations say []
    search = doc["paths"]["/api/v1/items"]["get"]
    assert search["security"] == []
    assert doc["paths"]["/api/v1/cart"]["get"]["security"] == [{"bearer": []}]


@pytest.mark.web
def test_the_document_is_served_as_json(client):
    answer = client.get("/api/v1/openapi.json")

    assert answer.status_code == 200
    assert answer.get_json() == document()


@pytest.mark.web
def test_the_docs_page_loads_swagger_ui_from_this_site_only(client):
    page = client.get("/api/docs")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/api/v1/openapi.json" in html
    assert not [url for url in assets if "//" in url], "the docs page must not use a CDN"
    for asset in assets:
        if asset.startswith("/static/"):
            assert client.get(asset).status_code == 200, asset
    assert any("swagger-ui-bundle.js" in asset for asset in assets)
    assert "script-src 'self';" in page.headers["Content-Security-Policy"]
