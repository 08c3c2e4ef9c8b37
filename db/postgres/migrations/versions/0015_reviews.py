"""reviews: ratings come from reviews, not from the catalogue

Adds `reviews` (one per shopper and item; seeded demo reviews have no shopper and are
marked `demo`), keeps each item's average and count on `items`, and drops every rating
that was typed in or generated: an item without reviews has no rating. Every item is
queued in `rating_search_pending` so the stock relay clears the old ratings from the
search index too (docs/reviews.md).

Revision ID: 0015
Revises: 0014
"""

from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_constraint(op.f("ck_items_rating_in_range"), "items", type_="check")
    op.alter_column("items", "rating", existing_type=sa.Float(), nullable=True)
    op.add_column(
        "items", sa.Column("review_count", sa.Integer(), server_default="0", nullable=False)
    )
    op.execute("UPDATE items SET rating = NULL")
    op.create_check_constraint(
        op.f("ck_items_rating_from_reviews"),
        "items",
        "(review_count = 0 AND rating IS NULL) OR (review_count > 0 AND rating BETWEEN 1 AND 5)",
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("demo", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_reviews_rating_in_range")),
        sa.CheckConstraint("demo = (user_id IS NULL)", name=op.f("ck_reviews_demo_has_no_shopper")),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_reviews_item_id_items"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_reviews_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("item_id", "user_id", name="uq_reviews_item_id_user_id"),
    )
    op.create_index("ix_reviews_item_created", "reviews", ["item_id", "created_at", "id"], unique=False)
    op.execute("CREATE SEQUENCE rating_search_seq")
    op.create_table(
        "rating_search_pending",
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), server_default=sa.text("nextval('rating_search_seq')"), nullable=False),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_rating_search_pending")),
    )
    op.execute("INSERT INTO rating_search_pending (item_id) SELECT id FROM items")


def downgrade() -> None:
    op.drop_table("rating_search_pending")
    op.execute("DROP SEQUENCE rating_search_seq")
    op.drop_index("ix_reviews_item_created", table_name="reviews")
    op.drop_table("reviews")
    op.drop_constraint(op.f("ck_items_rating_from_reviews"), "items", type_="check")
    op.drop_column("items", "review_count")
    op.execute("UPDATE items SET rating = 0 WHERE rating IS NULL")
    op.alter_column("items", "rating", existing_type=sa.Float(), nullable=False)
    op.create_check_constraint(
        op.f("ck_items_rating_in_range"), "items", "rating >= 0 AND rating <= 5"
    )
