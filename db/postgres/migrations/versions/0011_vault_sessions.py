"""the card vault keeps only sealed card details; sessions remember when they were last used

Revision ID: 0011
Revises: 0010

Vault rows live minutes, so the cleartext columns are dropped with whatever they held
(a pending payment asks for the card again) rather than sealed in a migration, which
would need VAULT_KEYS here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM payment_methods")
    for column in ("number", "expiry", "cvc", "name"):
        op.drop_column("payment_methods", column)
    op.add_column("payment_methods", sa.Column("sealed_card", sa.LargeBinary(), nullable=False))
    op.add_column("payment_methods", sa.Column("sealed_cvc", sa.LargeBinary(), nullable=True))
    op.add_column(
        "user_sessions",
        sa.Column(
            "last_seen_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("user_sessions", "last_seen_at")
    op.execute("DELETE FROM payment_methods")
    op.drop_column("payment_methods", "sealed_cvc")
    op.drop_column("payment_methods", "sealed_card")
    op.add_column("payment_methods", sa.Column("number", sa.String(19), nullable=False))
    op.add_column("payment_methods", sa.Column("expiry", sa.String(7), nullable=False))
    op.add_column("payment_methods", sa.Column("cvc", sa.String(4), nullable=True))
    op.add_column("payment_methods", sa.Column("name", sa.String(200), nullable=False))
