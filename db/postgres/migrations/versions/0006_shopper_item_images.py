"""items.image_url: a product picture from the operator's product file (optional)

Revision ID: 0006_shopper
Revises: 0005_shopper
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_shopper"
down_revision = "0005_shopper"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("items", sa.Column("image_url", sa.String(length=2000), nullable=True))


def downgrade() -> None:
    op.drop_column("items", "image_url")
