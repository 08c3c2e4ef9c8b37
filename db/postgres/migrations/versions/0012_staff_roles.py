"""roles: the one "staff" role becomes warehouse / operator / admin; warehouse workers
are bound to warehouses (docs/security.md, "Roles")

Every existing "staff" account becomes an operator: that is what "staff" could do
(every warehouse, the waiting rooms, the codec), less the codec's encode, which is now the
admin's alone. `user_warehouses` lists the warehouses of each warehouse worker. The
role column gets a CHECK so a typo cannot create an account with no rules at all.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_warehouses",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_warehouses_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_user_warehouses_warehouse_id_warehouses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "warehouse_id", name=op.f("pk_user_warehouses")),
    )
    op.execute("UPDATE users SET role = 'operator' WHERE role = 'staff'")
    op.create_check_constraint(
        op.f("ck_users_role_known"),
        "users",
        "role IN ('shopper', 'warehouse', 'operator', 'admin')",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_users_role_known"), "users", type_="check")
    # Warehouse workers were staff before; so were operators and admins.
    op.execute("UPDATE users SET role = 'staff' WHERE role <> 'shopper'")
    op.drop_table("user_warehouses")
