"""The real side of the contract tests: adapters over the web tests' own PostgreSQL
database (tests/web/conftest.py's `web_settings`), and fresh shoppers in it."""

from __future__ import annotations

import uuid

import pytest


def real_sessions(request: pytest.FixtureRequest):
    from db.postgres.engine import make_engine, make_session_factory

    settings = request.getfixturevalue("web_settings")
    request.getfixturevalue("web_catalogue")
    engine = make_engine(settings.database_url)
    request.addfinalizer(engine.dispose)
    return make_session_factory(engine)


def user_maker(sessions):
    from db.postgres.users import create_user

    def new_user() -> int:
        with sessions.begin() as session:
            email = f"contract-{uuid.uuid4().hex[:12]}@example.com"
            return create_user(session, email=email, password_hash="x").id

    return new_user


def insert_order(sessions, user_id: int, order_id: str, ordered_at, status: str = "PENDING"):
    """One order of one Budget Earbuds (tests/web/catalogue.py's item 12) as checkout
    writes it, minus the workflow; no stock moves (the contract is about reading)."""
    import json

    from sqlalchemy import text

    with sessions.begin() as session:
        session.execute(
            text(
                "INSERT INTO orders (id, user_id, checkout_id, total, ordered_at, arrival_date,"
                " status, shipping_address, payment_reference, card_brand, card_last4, timeline)"
                " VALUES (:id, :user, :checkout, 999, :at, NULL, :status, :address, 'ch_x',"
                " 'visa', '4242', '[]')"
            ),
            {
                "id": order_id,
                "user": user_id,
                "checkout": uuid.uuid4().hex,
                "at": ordered_at,
                "status": status,
                "address": json.dumps({"city": "Seattle"}),
            },
        )
        session.execute(
            text(
                "INSERT INTO order_lines (order_id, item_id, quantity, unit_price, name)"
                " VALUES (:id, 12, 1, 999, 'Budget Earbuds')"
            ),
            {"id": order_id},
        )


def deliver_maker(sessions):
    """deliver(user, item, delivered): an order of one unit of the item, with its one
    suborder from warehouse 1, DELIVERED or still ASSIGNED (no stock moves)."""
    import json
    from datetime import UTC, datetime

    from sqlalchemy import text

    def deliver(user_id: int, item_id: int, delivered: bool) -> None:
        order_id, suborder_id = uuid.uuid4().hex, uuid.uuid4().hex
        with sessions.begin() as session:
            session.execute(
                text(
                    "INSERT INTO orders (id, user_id, checkout_id, total, ordered_at, status,"
                    " shipping_address, payment_reference, timeline) VALUES (:id, :user,"
                    " :checkout, 100, :at, :status, :address, 'ch_x', '[]')"
                ),
                {
                    "id": order_id,
                    "user": user_id,
                    "checkout": uuid.uuid4().hex,
                    "at": datetime.now(UTC),
                    "status": "DELIVERED" if delivered else "PENDING",
                    "address": json.dumps({"city": "Seattle"}),
                },
            )
            session.execute(
                text(
                    "INSERT INTO order_lines (order_id, item_id, quantity, unit_price, name)"
                    " VALUES (:id, :item, 1, 100, 'Reviewed item')"
                ),
                {"id": order_id, "item": item_id},
            )
            session.execute(
                text(
                    "INSERT INTO warehouse_orders (id, order_id, warehouse_id, shipping_address,"
                    " status) VALUES (:id, :order, 1, :address, :status)"
                ),
                {
                    "id": suborder_id,
                    "order": order_id,
                    "address": json.dumps({"city": "Seattle"}),
                    "status": "DELIVERED" if delivered else "ASSIGNED",
                },
            )
            session.execute(
                text(
                    "INSERT INTO warehouse_order_lines (suborder_id, item_id, quantity)"
                    " VALUES (:id, :item, 1)"
                ),
                {"id": suborder_id, "item": item_id},
            )

    return deliver
