-- OpenID tokens (POST /user/{userId}/openid/request_token): a third party (a widget, an
-- integration manager) learns who a user is by presenting one to our federation
-- /openid/userinfo. Stored only as SHA-256, like access tokens; they expire after an hour.
CREATE TABLE openid_tokens (
  token_hash BYTEA PRIMARY KEY,
  user_id    TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX openid_tokens_expiry ON openid_tokens (expires_at);
