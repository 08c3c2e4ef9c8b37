"""staff refunds: an operator's refund of an order or lines, claimed under its key

Revision ID: 0019
Revises: 0018
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'staff_refunds',
        sa.Column('id', sa.BigInteger(), nullable=False),
        sa.Column('order_id', sa.String(length=64), nullable=False),
        sa.Column('idempotency_key', sa.String(length=255), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('lines', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('staff_user_id', sa.BigInteger(), nullable=False),
        sa.Column('refund_id', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint('amount > 0', name=op.f('ck_staff_refunds_amount_positive')),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_staff_refunds_order_id_orders'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_refunds')),
        sa.UniqueConstraint("order_id", "idempotency_key", name=op.f("uq_staff_refunds_key")),
    )
    op.create_index(op.f('ix_staff_refunds_order_id'), 'staff_refunds', ['order_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_staff_refunds_order_id'), table_name='staff_refunds')
    op.drop_table('staff_refunds')
