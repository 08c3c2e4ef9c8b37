"""pictures: product pictures in the media store by hash; items.picture replaces image_url

Revision ID: 0016
Revises: 0015
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pictures",
        sa.Column("hash", sa.String(length=32), nullable=False),
        sa.Column("origin", sa.String(length=2000), nullable=False),
        sa.Column("drawing", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("hash", name=op.f("pk_pictures")),
    )
    # A link to another site is not a picture in the media store: re-import it as imageURL.
    op.drop_column("items", "image_url")
    op.add_column("items", sa.Column("picture", sa.String(length=32), nullable=True))
    op.create_foreign_key(
        op.f("fk_items_picture_pictures"), "items", "pictures", ["picture"], ["hash"]
    )
    op.create_index(op.f("ix_items_picture"), "items", ["picture"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_items_picture"), table_name="items")
    op.drop_constraint(op.f("fk_items_picture_pictures"), "items", type_="foreignkey")
    op.drop_column("items", "picture")
    op.add_column("items", sa.Column("image_url", sa.String(length=2000), nullable=True))
    op.drop_table("pictures")
