"""items.image_url: a product picture from the operator's product file (optional)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("items", sa.Column("image_url", sa.String(length=2000), nullable=True))


def downgrade() -> None:
    op.drop_column("items", "image_url")
