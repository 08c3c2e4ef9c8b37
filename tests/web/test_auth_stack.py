"""Auth on the real stack, one journey: what PostgreSQL decides (the users and
user_sessions rows, the salted hash, the auth epoch) behind the same pages and API
that tests/web/test_auth_*.py check on fakes."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from tests.web.shoppers import PASSWORD, bearer, post_form, register_in_browser

pytestmark = [pytest.mark.web, pytest.mark.integration]

NEW_PASSWORD = "another horse staple"


def signed_in(client) -> bool:
    return client.get("/orders").status_code == 200


def token_for(client, email: str, password: str = PASSWORD) -> dict[str, str]:
    issued = client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert issued.status_code == 200, issued.get_json()
    return bearer(issued.get_json()["token"])


def test_register_sign_in_tokens_and_a_password_change_on_postgresql(app):
    laptop, phone, script = app.test_client(), app.test_client(), app.test_client()
    shopper = register_in_browser(laptop)
    with app.extensions["shopflow"].sessions() as db:
        stored = db.execute(
            text("SELECT password_hash FROM users WHERE email = :e"), {"e": shopper.email}
        ).scalar_one()
    assert stored.startswith("scrypt:") and PASSWORD not in stored

    stolen = laptop.get_cookie("session").value
    post_form(laptop, "/logout", {})
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert not signed_in(replay), "signing out deleted the user_sessions row"

    post_form(laptop, "/login", {"email": shopper.email, "password": PASSWORD})
    post_form(phone, "/login", {"email": shopper.email, "password": PASSWORD})
    old_token = token_for(script, shopper.email)
    reads: list[str] = []
    event.listen(
        app.extensions["shopflow"].engine,
        "before_cursor_execute",
        lambda conn, cursor, statement, *a: (
            reads.append(statement) if "FROM users" in statement else None
        ),
    )
    assert [script.get("/api/v1/cart", headers=old_token).status_code for _ in range(3)] == [
        200
    ] * 3
    assert len(reads) == 1, "a token's user is read once, then remembered"

    changed = post_form(
        laptop, "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert changed.status_code == 303
    assert signed_in(laptop) and not signed_in(phone)
    assert script.get("/api/v1/cart", headers=old_token).status_code == 401
    assert (
        script.get(
            "/api/v1/cart", headers=token_for(script, shopper.email, NEW_PASSWORD)
        ).status_code
        == 200
    )
