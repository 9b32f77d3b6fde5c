-- Dropping stale typing and presence EDUs before each transaction is taken (db/pg_outbox.cpp)
-- looked at every queued row of the destination without this index: 2 ms per transaction with
-- 20,000 queued, growing with the queue.
CREATE INDEX federation_outbox_droppable ON federation_outbox (destination, droppable_after_ms)
  WHERE txn_id IS NULL AND droppable_after_ms IS NOT NULL;
