"""An unexpected error on the fake shop (tests/web/auth_fast.py): a plain 500 without
details is the app's error handler's answer (web/errors.py), whatever broke. The outages
of real servers stay in test_outages.py."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.web.auth_fast import *  # noqa: F403 - app, web_settings, ... on fakes
from web import create_app

pytestmark = pytest.mark.web


class ExplodingSearch:
    def search(self, request):
        raise RuntimeError("secret internals /etc/passwd")


def test_an_unexpected_error_is_a_plain_500_without_details(app, web_settings):
    # Services are injectable: keep the fake ones, swap the search for a broken one.
    broken = replace(app.extensions["shopflow"], search=ExplodingSearch())
    client = create_app(web_settings, services=broken).test_client()

    page = client.get("/search", query_string={"query": "x"})
    api = client.get("/api/v1/items")

    assert page.status_code == 500 and "Something went wrong" in page.get_data(as_text=True)
    assert "secret internals" not in page.get_data(as_text=True)
    assert api.status_code == 500
    assert api.get_json()["error"] == {
        "code": "internal_error",
        "message": "Something went wrong on our side. Please try again.",
    }
