"""orders: PARTLY_CANCELLED, and the units a partial cancel took off each order line
(docs/orders.md, "Cancelling the parcels that have not shipped")

`order_lines.cancelled_quantity` is what "cancel the parcels that have not shipped"
took off the line: no longer ordered (invariant I1 counts quantity - cancelled), and
refunded. The order status's CHECK gains PARTLY_CANCELLED.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

STATUSES = ("PENDING", "SHIPPED", "DELIVERED", "CANCELLED")


def _status_check(statuses: tuple[str, ...]) -> None:
    op.drop_constraint(op.f("ck_orders_order_status"), "orders", type_="check")
    listed = ", ".join(f"'{status}'" for status in statuses)
    op.create_check_constraint(op.f("ck_orders_order_status"), "orders", f"status IN ({listed})")


def upgrade() -> None:
    op.add_column(
        "order_lines",
        sa.Column("cancelled_quantity", sa.Integer(), server_default="0", nullable=False),
    )
    op.create_check_constraint(
        op.f("ck_order_lines_cancelled_quantity_within_quantity"),
        "order_lines",
        "cancelled_quantity >= 0 AND cancelled_quantity <= quantity",
    )
    _status_check((*STATUSES, "PARTLY_CANCELLED"))


def downgrade() -> None:
    op.execute("UPDATE orders SET status = 'SHIPPED' WHERE status = 'PARTLY_CANCELLED'")
    _status_check(STATUSES)
    op.drop_constraint(
        op.f("ck_order_lines_cancelled_quantity_within_quantity"), "order_lines", type_="check"
    )
    op.drop_column("order_lines", "cancelled_quantity")
