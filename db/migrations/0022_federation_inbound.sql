-- Inbound federation transactions (PUT /send/{txnId}), deduplicated by (origin, txn_id): a
-- replay with the same body gets the stored response, one with another body is refused.
CREATE TABLE federation_inbound_txns (
  origin      TEXT NOT NULL,
  txn_id      TEXT NOT NULL,
  body_sha256 BYTEA NOT NULL,
  response    TEXT NOT NULL,
  received_ms BIGINT NOT NULL,
  PRIMARY KEY (origin, txn_id)
);

-- EDUs kept as they arrived until the features that apply them exist (remote device lists
-- and cross-signing keys: the E2EE-over-federation issue), so nothing is lost. dedupe_key
-- makes a resent EDU a no-op (device lists: user and stream_id).
CREATE TABLE federation_inbound_edus (
  id          BIGSERIAL PRIMARY KEY,
  origin      TEXT NOT NULL,
  edu_type    TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  dedupe_key  TEXT NOT NULL,
  content     TEXT NOT NULL,
  received_ms BIGINT NOT NULL,
  UNIQUE (origin, edu_type, dedupe_key)
);

-- Remote to-device messages already queued, by the sender's message_id.
CREATE TABLE federation_to_device_ids (
  sender      TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  received_ms BIGINT NOT NULL,
  PRIMARY KEY (sender, message_id)
);
