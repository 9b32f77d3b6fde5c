-- The outbound federation queue (federation/queue). Rows are written in the same transaction
-- as the change that causes them and deleted when the destination acknowledges them, so a
-- restart loses nothing. A row taken into a transaction keeps that txn_id until the
-- destination answers 200: the same transaction id and content are retried.
CREATE TABLE federation_destinations (
  destination     TEXT PRIMARY KEY,
  next_txn_seq    BIGINT NOT NULL DEFAULT 1,
  pending_txn_id  TEXT,            -- the transaction being sent, until acknowledged
  pending_txn_ts  BIGINT,          -- its origin_server_ts (a retry resends the same body)
  failures        INTEGER NOT NULL DEFAULT 0,  -- consecutive
  backoff_ms      BIGINT NOT NULL DEFAULT 0,
  retry_at_ms     BIGINT NOT NULL DEFAULT 0,   -- the retry schedule survives restarts
  last_success_ms BIGINT,
  last_failure_ms BIGINT,
  last_error      TEXT
);

CREATE TABLE federation_outbox (
  id                 BIGSERIAL PRIMARY KEY,
  destination        TEXT NOT NULL,
  is_pdu             BOOLEAN NOT NULL,
  edu_type           TEXT,             -- EDUs only
  content            TEXT NOT NULL,    -- the PDU, or the EDU's content
  droppable_after_ms BIGINT,           -- stale typing/presence: dropped rather than sent later
  txn_id             TEXT,             -- set when taken into the pending transaction
  created_ms         BIGINT NOT NULL DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT
);
CREATE INDEX federation_outbox_queue ON federation_outbox (destination, is_pdu, id) WHERE txn_id IS NULL;
CREATE INDEX federation_outbox_txn ON federation_outbox (destination, txn_id) WHERE txn_id IS NOT NULL;
