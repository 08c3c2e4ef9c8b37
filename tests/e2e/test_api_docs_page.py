"""/api/docs in a real browser: the vendored Swagger UI renders every operation of the
OpenAPI document under the store's Content-Security-Policy, loading nothing from
another origin."""

from __future__ import annotations

import pytest

from web.openapi import document

pytestmark = pytest.mark.e2e


def test_the_api_docs_page_shows_every_operation_with_nothing_from_another_origin(
    live_store, page, output_dir
):
    requested: list[str] = []
    refused: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    page.goto(f"{live_store}/api/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    page.screenshot(path=str(output_dir / "api-docs.png"), full_page=False)

    operations = sum(len(item) for item in document()["paths"].values())
    assert page.locator(".opblock").count() == operations
    assert page.get_by_text("shopflow API").first.is_visible()
    assert not [url for url in requested if not url.startswith(live_store)]
    assert not refused, refused
