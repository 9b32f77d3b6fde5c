-- Per-user data that /sync reports besides room events: account data (global and per room,
-- room tags included), stored sync filters, push rule changes and presence. Every table that
-- /sync reads incrementally has a stream_pos column: the position of its row's last write.

-- The latest content of each account data key. room_id '' means global account data. Only
-- the latest value matters to /sync, so a write replaces the row and moves its stream_pos.
CREATE TABLE account_data (
  user_id    TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  room_id    TEXT NOT NULL,
  type       TEXT NOT NULL,
  content    TEXT NOT NULL,  -- a JSON object, kept as the client sent it
  stream_pos BIGINT NOT NULL,
  PRIMARY KEY (user_id, room_id, type)
);
CREATE INDEX account_data_stream ON account_data (user_id, stream_pos);

-- Filters uploaded through POST /user/{userId}/filter, kept as sent.
CREATE TABLE user_filters (
  filter_id   BIGSERIAL PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  filter_json TEXT NOT NULL
);
CREATE INDEX user_filters_user ON user_filters (user_id);

-- Push rules a user defined, in priority order within each kind (0 = most important). The
-- server-default rules are not stored: they come from code, so a server upgrade updates them.
CREATE TABLE push_rules (
  user_id    TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('override', 'content', 'room', 'sender', 'underride')),
  rule_id    TEXT NOT NULL,
  priority   INT NOT NULL,
  conditions TEXT,            -- JSON array; override and underride rules only
  pattern    TEXT,            -- content rules only
  actions    TEXT NOT NULL,   -- JSON array
  enabled    BOOLEAN NOT NULL,
  PRIMARY KEY (user_id, kind, rule_id)
);

-- A user's changes to server-default rules; NULL keeps the default's value.
CREATE TABLE push_rule_defaults (
  user_id TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  rule_id TEXT NOT NULL,
  enabled BOOLEAN,
  actions TEXT,
  PRIMARY KEY (user_id, rule_id)
);

-- When a user's push rules last changed: /sync then sends the m.push_rules account data
-- event. Its row is also the per-user lock that serializes edits.
CREATE TABLE push_rules_stream (
  user_id    TEXT PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
  stream_pos BIGINT NOT NULL
);

-- The latest presence of each user. No foreign key: remote users' presence will arrive over
-- federation.
CREATE TABLE presence (
  user_id        TEXT PRIMARY KEY,
  state          TEXT NOT NULL CHECK (state IN ('online', 'unavailable', 'offline')),
  status_msg     TEXT,
  last_active_ts BIGINT,  -- NULL: never seen active
  stream_pos     BIGINT NOT NULL
);
CREATE INDEX presence_stream ON presence (stream_pos);
