"""returns: one row per returned parcel (returns) and its lines (return_lines)

Revision ID: 0018
Revises: 0017
"""

from alembic import op
import sqlalchemy as sa


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'returns',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('order_id', sa.String(length=64), nullable=False),
        sa.Column('suborder_id', sa.String(length=64), nullable=False),
        sa.Column('warehouse_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('AUTHORIZED', 'RECEIVED', 'REFUNDED', 'REFUND_FAILED', 'EXPIRED', name='return_status', native_enum=False, length=16, create_constraint=True), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('refund_amount', sa.Integer(), nullable=False),
        sa.Column('refund_id', sa.String(length=64), nullable=True),
        sa.Column('restocked', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('refunded_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('refund_amount >= 0', name=op.f('ck_returns_refund_not_negative')),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_returns_order_id_orders'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['suborder_id'], ['warehouse_orders.id'], name=op.f('fk_returns_suborder_id_warehouse_orders'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['warehouse_id'], ['warehouses.id'], name=op.f('fk_returns_warehouse_id_warehouses')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_returns')),
    )
    op.create_index(op.f('ix_returns_order_id'), 'returns', ['order_id'], unique=False)
    op.create_index('ix_returns_warehouse_queue', 'returns', ['warehouse_id', 'status', 'created_at'], unique=False)
    op.create_table(
        'return_lines',
        sa.Column('return_id', sa.String(length=64), nullable=False),
        sa.Column('item_id', sa.BigInteger(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('unit_price', sa.Integer(), nullable=False),
        sa.CheckConstraint('quantity > 0', name=op.f('ck_return_lines_quantity_positive')),
        sa.CheckConstraint('unit_price >= 0', name=op.f('ck_return_lines_unit_price_not_negative')),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_return_lines_item_id_items')),
        sa.ForeignKeyConstraint(['return_id'], ['returns.id'], name=op.f('fk_return_lines_return_id_returns'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('return_id', 'item_id', name=op.f('pk_return_lines')),
    )


def downgrade() -> None:
    op.drop_table('return_lines')
    op.drop_index('ix_returns_warehouse_queue', table_name='returns')
    op.drop_index(op.f('ix_returns_order_id'), table_name='returns')
    op.drop_table('returns')
