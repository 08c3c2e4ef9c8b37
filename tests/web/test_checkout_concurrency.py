"""Contention on real PostgreSQL through the real API and worker: with S units of an item
and S+50 shoppers beginning checkout for one unit at the same moment, exactly S hold
one, the other 50 are told it sold out, nothing is oversold, and cancelling every
hold puts all S back."""

from __future__ import annotations

import pytest

from tests.web.checkout_calls import ApiShopper, begin, op, run_together, unique_key
from tests.web.shoppers import PASSWORD, bearer, new_email

pytest_plugins = ["tests.web.checkout_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

STOCK = 10
SHOPPERS = STOCK + 50


def many_shoppers(app, count: int) -> list[ApiShopper]:
    """Accounts and tokens made directly: one scrypt hash for all (signing up 60 shoppers
    through the API would spend most of this test in the KDF)."""
    from db.postgres.users import create_user
    from web.auth.accounts import hash_password
    from web.current_user import password_fingerprint

    services = app.extensions["shopflow"]
    password_hash = hash_password(PASSWORD)
    fingerprint = password_fingerprint(password_hash, services.settings.secret_key)
    shoppers = []
    with services.sessions.begin() as session:
        for _ in range(count):
            email = new_email("rush")
            user = create_user(session, email=email, password_hash=password_hash)
            token = services.tokens.issue(user.id, fingerprint)
            shoppers.append(ApiShopper(email, bearer(token), user.id))
    return shoppers


def test_sixty_shoppers_racing_for_ten_units_get_exactly_ten_holds_and_cancelling_restores_them(
    store, stock_item, stock_of, assert_checkout_invariants
):
    item = stock_item(STOCK)
    shoppers = many_shoppers(store, SHOPPERS)
    body = {"cart": [{"itemID": item, "quantity": 1}]}

    answers = run_together(store, [lambda c, s=s: begin(c, s, body) for s in shoppers])

    statuses = [answer.status_code for answer in answers]
    assert (statuses.count(201), statuses.count(409)) == (STOCK, SHOPPERS - STOCK), statuses
    losers = [a.get_json()["error"] for a in answers if a.status_code == 409]
    assert all(e["code"] == "out_of_stock" for e in losers)
    assert all(e["lines"] == [{"itemID": item, "asked": 1, "left": 0}] for e in losers)
    assert stock_of(item) == 0
    assert_checkout_invariants()

    winners = [
        (s, a.get_json()["checkoutID"])
        for s, a in zip(shoppers, answers, strict=True)
        if a.status_code == 201
    ]
    cancelled = run_together(store, [lambda c, s=s, i=i: op(c, s, "CANCEL", i) for s, i in winners])

    assert [answer.status_code for answer in cancelled] == [200] * STOCK
    assert stock_of(item) == STOCK
    assert_checkout_invariants()


def test_the_same_key_at_the_same_moment_runs_once_and_both_get_the_answer(
    store, api_shopper, stock_item, stock_of
):
    item = stock_item(5)
    shopper = api_shopper({item: 1})
    key = unique_key()

    answers = run_together(
        store, [lambda c: begin(c, shopper, None, **{"Idempotency-Key": key})] * 3
    )

    assert [a.status_code for a in answers] == [201] * 3
    assert len({a.get_data() for a in answers}) == 1
    # One of them ran; the other two waited for its answer and replayed it.
    replayed = [a.headers.get("Idempotent-Replayed") for a in answers]
    assert sorted(replayed, key=str) == [None, "true", "true"]
    assert stock_of(item) == 4
