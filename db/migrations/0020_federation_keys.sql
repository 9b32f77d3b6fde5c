-- Other servers' signing keys (federation/keys): the latest key response of each server, as
-- its origin signed it (the notary endpoints serve it again), and every key ever seen.
CREATE TABLE server_key_responses (
  server_name    TEXT PRIMARY KEY,
  response_json  TEXT NOT NULL,
  valid_until_ts BIGINT NOT NULL,  -- capped at fetched_ts + 7 days
  fetched_ts     BIGINT NOT NULL
);

CREATE TABLE server_keys (
  server_name    TEXT NOT NULL,
  key_id         TEXT NOT NULL,
  public_key     BYTEA NOT NULL,
  valid_until_ts BIGINT NOT NULL,
  expired_ts     BIGINT,           -- set for old_verify_keys
  fetched_ts     BIGINT NOT NULL,
  PRIMARY KEY (server_name, key_id)
);
