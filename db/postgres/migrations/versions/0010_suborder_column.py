"""suborder naming: warehouse_order_lines.warehouse_order_id becomes suborder_id

The code calls a warehouse's share of an order a suborder (model `Suborder`); the
tables keep the contract's (docs/contract.md) names (`warehouse_orders`, `warehouse_order_lines`), but the
column that points a line at its suborder now says so. A rename in place: no data
moves, the primary key follows the column.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

OLD_FK = "fk_warehouse_order_lines_warehouse_order_id_warehouse_orders"
NEW_FK = "fk_warehouse_order_lines_suborder_id_warehouse_orders"


def upgrade() -> None:
    op.alter_column("warehouse_order_lines", "warehouse_order_id", new_column_name="suborder_id")
    op.execute(f"ALTER TABLE warehouse_order_lines RENAME CONSTRAINT {OLD_FK} TO {NEW_FK}")


def downgrade() -> None:
    op.execute(f"ALTER TABLE warehouse_order_lines RENAME CONSTRAINT {NEW_FK} TO {OLD_FK}")
    op.alter_column("warehouse_order_lines", "suborder_id", new_column_name="warehouse_order_id")
