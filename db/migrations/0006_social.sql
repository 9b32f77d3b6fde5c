-- The social layer (issue 5): what Matrix has no word for, plus email verification.
-- Friend requests (seed FRIEND), blocks (seed BLOCKED_USER), email verification sessions
-- (seed VERIFY_CODE) and bound addresses, the notification feed (seed NOTIFICATION) that also
-- backs Matrix push notifications and unread counts, delivery records for MESSAGE.status,
-- and HTTP pushers.

-- Rows carry full user ids and a request id unique across servers (<random>:<origin server>)
-- because federation will carry requests and answers between homeservers.
CREATE TABLE friend_requests (
  request_id TEXT PRIMARY KEY,
  requester  TEXT NOT NULL,
  addressee  TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'blocked')),
  message    TEXT,
  room_id    TEXT,  -- the direct conversation opened when the request was accepted
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL  -- accepted friends: the "since" of the friendship
);
-- At most one open relation (pending or accepted) per pair, whoever asked first.
CREATE UNIQUE INDEX friend_requests_open_pair
  ON friend_requests (LEAST(requester, addressee), GREATEST(requester, addressee))
  WHERE status IN ('pending', 'accepted');
CREATE INDEX friend_requests_requester ON friend_requests (requester, status);
CREATE INDEX friend_requests_addressee ON friend_requests (addressee, status);

-- user_id blocks blocked_user_id. Mirrored into user_id's m.ignored_user_list account data.
CREATE TABLE blocked_users (
  user_id         TEXT NOT NULL,
  blocked_user_id TEXT NOT NULL,
  blocked_at      BIGINT NOT NULL,
  PRIMARY KEY (user_id, blocked_user_id)
);

-- One email validation attempt (requestToken / submitToken). The 6-digit code and the link
-- token are stored only as SHA-256. send_attempt is scoped to (client_secret, address).
CREATE TABLE threepid_sessions (
  sid             TEXT PRIMARY KEY,
  client_secret   TEXT NOT NULL,
  medium          TEXT NOT NULL,
  address         TEXT NOT NULL,
  purpose         TEXT NOT NULL CHECK (purpose IN ('register', 'add', 'password')),
  user_id         TEXT,  -- who asked, for purpose 'add'
  code_hash       BYTEA NOT NULL,
  link_hash       BYTEA NOT NULL,
  send_attempt    BIGINT NOT NULL,
  failed_attempts INT NOT NULL DEFAULT 0,
  expires_at      BIGINT NOT NULL,
  validated_at    BIGINT,
  uia_session     TEXT,  -- the UIA session whose m.login.email.identity stage used it
  created_at      BIGINT NOT NULL,
  UNIQUE (client_secret, medium, address, purpose)
);
CREATE INDEX threepid_sessions_uia ON threepid_sessions (uia_session) WHERE uia_session IS NOT NULL;

-- Addresses bound to accounts (GET /account/3pid, login by email, password reset).
CREATE TABLE user_threepids (
  medium       TEXT NOT NULL,
  address      TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  validated_at BIGINT NOT NULL,
  added_at     BIGINT NOT NULL,
  PRIMARY KEY (medium, address)
);
CREATE INDEX user_threepids_user ON user_threepids (user_id);

-- The notification feed. Rows about events also serve Matrix: `notify` rows (push rules said
-- notify) are GET /notifications and the /sync unread counts until a read receipt covers them
-- (receipt_read). is_read is the feed's own flag: set explicitly or by the same receipt.
CREATE TABLE notifications (
  id           BIGSERIAL PRIMARY KEY,
  user_id      TEXT NOT NULL,
  type         TEXT NOT NULL
               CHECK (type IN ('friend_request', 'new_message', 'group_invite', 'group_update')),
  title        TEXT NOT NULL,
  body         TEXT NOT NULL,
  related_id   TEXT,
  room_id      TEXT,
  event_id     TEXT,
  stream_pos   BIGINT,  -- the event's position
  thread_id    TEXT NOT NULL DEFAULT 'main',
  notify       BOOLEAN NOT NULL DEFAULT FALSE,
  highlight    BOOLEAN NOT NULL DEFAULT FALSE,
  actions      TEXT NOT NULL DEFAULT '[]',  -- the matching push rule's actions
  is_read      BOOLEAN NOT NULL DEFAULT FALSE,
  receipt_read BOOLEAN NOT NULL DEFAULT FALSE,
  created_at   BIGINT NOT NULL
);
CREATE INDEX notifications_feed ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, room_id)
  WHERE notify AND NOT receipt_read;

-- A /sync response carried a room's timeline up to stream_pos to one of user_id's devices at
-- ts: the events up to there are delivered to that user (MESSAGE.status).
CREATE TABLE sync_deliveries (
  user_id    TEXT NOT NULL,
  room_id    TEXT NOT NULL,
  stream_pos BIGINT NOT NULL,
  ts         BIGINT NOT NULL,
  PRIMARY KEY (user_id, room_id, stream_pos)
);

-- HTTP pushers (POST /pushers/set).
CREATE TABLE pushers (
  user_id             TEXT NOT NULL,
  app_id              TEXT NOT NULL,
  pushkey             TEXT NOT NULL,
  kind                TEXT NOT NULL,
  app_display_name    TEXT NOT NULL,
  device_display_name TEXT NOT NULL,
  profile_tag         TEXT,
  lang                TEXT NOT NULL,
  data                TEXT NOT NULL,  -- JSON object, url included
  pushkey_ts          BIGINT NOT NULL,
  PRIMARY KEY (app_id, pushkey, user_id)
);
CREATE INDEX pushers_user ON pushers (user_id);
