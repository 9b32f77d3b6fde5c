-- Accounts (seed USER), devices and their login sessions (seed USER_SESSION), rotated and
-- revoked token hashes (seed Invalid_TOKEN), and user-interactive auth sessions.
CREATE TABLE users (
  user_id        TEXT PRIMARY KEY,
  localpart      TEXT NOT NULL UNIQUE,
  password_hash  TEXT,
  displayname    TEXT,
  avatar_url     TEXT,
  is_deactivated BOOLEAN NOT NULL DEFAULT FALSE,
  created_at     BIGINT NOT NULL
);

CREATE TABLE devices (
  user_id      TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  device_id    TEXT NOT NULL,
  display_name TEXT,
  last_seen_ip TEXT,
  last_seen_ts BIGINT,
  created_at   BIGINT NOT NULL,
  PRIMARY KEY (user_id, device_id)
);

-- One login session per device. Tokens are stored only as SHA-256.
CREATE TABLE sessions (
  session_id         BIGSERIAL PRIMARY KEY,
  user_id            TEXT NOT NULL,
  device_id          TEXT NOT NULL,
  access_token_hash  BYTEA NOT NULL UNIQUE,
  access_expires_at  BIGINT,  -- NULL: never expires
  refresh_token_hash BYTEA UNIQUE,
  refresh_expires_at BIGINT,
  created_at         BIGINT NOT NULL,
  FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);
CREATE INDEX sessions_device ON sessions (user_id, device_id);

-- Rotated or revoked token hashes, kept until they would have expired: a rotated refresh
-- token presented again means it was stolen, and the session it belonged to is revoked.
CREATE TABLE invalid_tokens (
  token_hash BYTEA PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
  session_id BIGINT,
  reason     TEXT NOT NULL CHECK (reason IN ('rotated', 'revoked')),
  expires_at BIGINT NOT NULL
);
CREATE INDEX invalid_tokens_expiry ON invalid_tokens (expires_at);

CREATE TABLE uia_sessions (
  session_id TEXT PRIMARY KEY,
  purpose    TEXT NOT NULL,
  user_id    TEXT,
  completed  TEXT[] NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL
);
