"""co-purchase counts: kept by a trigger on order_lines, read by recommendations

Revision ID: 0006
Revises: 0005

`co_purchases(item_id, other_item_id, orders)`: in how many orders the two items were
bought together, both directions stored so "bought with X" is one index range. A
statement-level trigger counts the pairs of every order as its lines are written, in the
order-writing transaction itself (no scan per request, nothing to forget in the activity);
rows are upserted in key order so concurrent orders cannot deadlock on them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Each unordered pair of one order is counted once: (new, old) pairs, and (new, new) pairs
# with the smaller id first; then stored both ways.
PAIRS_OF_NEW_LINES = """
    SELECT d.x, d.y, count(*) AS orders
    FROM (
        SELECT n.item_id AS a, l.item_id AS b
        FROM new_lines n
        JOIN order_lines l ON l.order_id = n.order_id AND l.item_id <> n.item_id
        WHERE n.item_id < l.item_id
           OR NOT EXISTS (
                SELECT 1 FROM new_lines m WHERE m.order_id = l.order_id AND m.item_id = l.item_id
           )
    ) pairs
    CROSS JOIN LATERAL (VALUES (pairs.a, pairs.b), (pairs.b, pairs.a)) AS d(x, y)
    GROUP BY d.x, d.y
    ORDER BY d.x, d.y
"""


def upgrade() -> None:
    op.create_table(
        "co_purchases",
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("other_item_id", sa.BigInteger(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_co_purchases_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_item_id"], ["items.id"], name=op.f("fk_co_purchases_other_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "other_item_id", name=op.f("pk_co_purchases")),
        sa.CheckConstraint("orders > 0", name=op.f("ck_co_purchases_orders_positive")),
    )
    op.execute(
        f"""
        CREATE FUNCTION count_co_purchases() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO co_purchases (item_id, other_item_id, orders)
            {PAIRS_OF_NEW_LINES}
            ON CONFLICT (item_id, other_item_id)
            DO UPDATE SET orders = co_purchases.orders + EXCLUDED.orders;
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER order_lines_count_co_purchases
        AFTER INSERT ON order_lines
        REFERENCING NEW TABLE AS new_lines
        FOR EACH STATEMENT EXECUTE FUNCTION count_co_purchases()
        """
    )
    # Orders placed before this migration count too.
    op.execute(
        """
        INSERT INTO co_purchases (item_id, other_item_id, orders)
        SELECT a.item_id, b.item_id, count(*)
        FROM order_lines a JOIN order_lines b ON a.order_id = b.order_id AND a.item_id <> b.item_id
        GROUP BY a.item_id, b.item_id
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS order_lines_count_co_purchases ON order_lines")
    op.execute("DROP FUNCTION IF EXISTS count_co_purchases()")
    op.drop_table("co_purchases")
