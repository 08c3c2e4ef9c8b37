"""stock events: a transactional outbox of aggregated_stock changes

Every committed change of `aggregated_stock.stock` leaves one row in `stock_events`,
written by a trigger in the writer's own transaction (so reserve, release, order
cancel, restock, re-plan and hand-written SQL are all covered, and a rolled-back
transaction leaves nothing). The relay (db.redis.stock_relay) publishes the rows to
Redis and deletes them; `stock_search_pending` remembers which items crossed zero
until Typesense has their new `in_stock` flag.

A bulk load into an empty catalogue sets `shopflow.stock_events = 'off'` for its
transaction: nobody can be listening to items that do not exist yet.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE stock_events (
            id          bigserial PRIMARY KEY,
            item_id     bigint      NOT NULL,
            stock       integer     NOT NULL,
            -- stock crossed zero (either way): search's in_stock flag must follow
            crossed_zero boolean    NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        CREATE TABLE stock_search_pending (
            item_id  bigint PRIMARY KEY,
            event_id bigint NOT NULL
        );
        CREATE FUNCTION record_stock_event() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO stock_events (item_id, stock, crossed_zero)
            VALUES (
                NEW.item_id,
                NEW.stock,
                CASE WHEN TG_OP = 'INSERT' THEN NEW.stock > 0
                     ELSE (OLD.stock > 0) <> (NEW.stock > 0) END
            );
            -- Identical payloads are folded into one per transaction; delivered at commit.
            PERFORM pg_notify('stock_events', '');
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER aggregated_stock_inserted
            AFTER INSERT ON aggregated_stock
            FOR EACH ROW
            WHEN (current_setting('shopflow.stock_events', true) IS DISTINCT FROM 'off')
            EXECUTE FUNCTION record_stock_event();
        CREATE TRIGGER aggregated_stock_changed
            AFTER UPDATE OF stock ON aggregated_stock
            FOR EACH ROW
            WHEN (OLD.stock IS DISTINCT FROM NEW.stock
                  AND current_setting('shopflow.stock_events', true) IS DISTINCT FROM 'off')
            EXECUTE FUNCTION record_stock_event();
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TRIGGER aggregated_stock_changed ON aggregated_stock;
        DROP TRIGGER aggregated_stock_inserted ON aggregated_stock;
        DROP FUNCTION record_stock_event();
        DROP TABLE stock_search_pending;
        DROP TABLE stock_events;
        """
    )
