"""Signing shoppers up and in from tests, the way a browser or an API client would.

Browser helpers read the CSRF token out of the page (proving pages carry it) and
send it back as the form field; API helpers get a bearer token.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from flask.testing import FlaskClient

PASSWORD = "correct horse battery"
HTMX = {"HX-Request": "true"}

_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
_CSRF_HEADER = re.compile(r"""<body hx-headers='\{"X-CSRF-Token": "([^"]+)"\}'>""")


def new_email(tag: str = "shopper") -> str:
    return f"{tag}-{uuid.uuid4().hex[:12]}@example.com"


def csrf_token_of(client: FlaskClient, path: str = "/") -> str:
    """The token every page hands htmx (on <body>); forms carry the same one."""
    page = client.get(path).get_data(as_text=True)
    match = _CSRF_HEADER.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def csrf_field_of(page: str) -> str | None:
    match = _CSRF_FIELD.search(page)
    return match.group(1) if match else None


def post_form(client: FlaskClient, path: str, data: dict, *, htmx: bool = False, **kwargs):
    """POST a form with this session's CSRF token, as the page would."""
    token = csrf_token_of(client)
    return client.post(
        path, data={**data, "csrf_token": token}, headers=HTMX if htmx else {}, **kwargs
    )


@dataclass
class BrowserShopper:
    client: FlaskClient
    email: str

    def post(self, path: str, data: dict | None = None, *, htmx: bool = False, **kwargs):
        return post_form(self.client, path, data or {}, htmx=htmx, **kwargs)


def register_in_browser(client: FlaskClient, email: str | None = None) -> BrowserShopper:
    email = email or new_email()
    response = post_form(client, "/register", {"email": email, "password": PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return BrowserShopper(client, email)


def api_token(client: FlaskClient, email: str | None = None) -> tuple[str, dict[str, str]]:
    """Register through the API and return (email, Authorization headers)."""
    email = email or new_email("api")
    registered = client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
    assert registered.status_code == 201, registered.get_json()
    issued = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert issued.status_code == 200, issued.get_json()
    return email, bearer(issued.get_json()["token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
