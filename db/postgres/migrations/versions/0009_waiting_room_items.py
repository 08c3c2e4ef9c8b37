"""waiting_room_items: the items in waiting-room mode (each has a waiting room)

Revision ID: 0009
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'waiting_room_items',
        sa.Column('item_id', sa.BigInteger(), nullable=False),
        sa.Column('enabled_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('enabled_by', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_waiting_room_items_item_id_items'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('item_id', name=op.f('pk_waiting_room_items')),
    )


def downgrade() -> None:
    op.drop_table('waiting_room_items')
