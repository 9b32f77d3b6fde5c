-- Rooms and their event graph. Every event is a full PDU (room versions 10/11), stored as
-- signed; client_json is the client-format rendering without `unsigned`, kept beside it so
-- /sync and /messages splice rows instead of re-rendering JSON.
CREATE TABLE rooms (
  room_id      TEXT PRIMARY KEY,
  room_version TEXT NOT NULL,
  creator      TEXT NOT NULL,
  is_public    BOOLEAN NOT NULL DEFAULT FALSE,  -- published in the room directory
  created_at   BIGINT NOT NULL,
  state_group  BIGINT  -- the current state's group (state after the latest event)
);

CREATE TABLE events (
  event_nid        BIGSERIAL PRIMARY KEY,  -- interned id used by state tables
  event_id         TEXT NOT NULL UNIQUE,
  room_id          TEXT NOT NULL REFERENCES rooms (room_id),
  stream_pos       BIGINT NOT NULL UNIQUE,  -- position in the sync stream
  depth            BIGINT NOT NULL,
  type             TEXT NOT NULL,
  state_key        TEXT,
  sender           TEXT NOT NULL,
  origin_server_ts BIGINT NOT NULL,
  pdu_json         TEXT NOT NULL,
  client_json      TEXT NOT NULL,
  prev_content     TEXT,  -- for state events: the content this one replaced
  prev_sender      TEXT,
  redacted_by      TEXT,  -- event id of the redaction applied to this event
  relates_to       TEXT,  -- content.m.relates_to.event_id
  rel_type         TEXT,
  rel_key          TEXT,  -- annotation key (reactions)
  txn_device       TEXT,  -- the sending device and its transaction id, echoed to that device
  txn_id           TEXT,
  state_group      BIGINT NOT NULL  -- the room state after this event
);
CREATE INDEX events_room_stream ON events (room_id, stream_pos);
CREATE INDEX events_relations ON events (relates_to, rel_type) WHERE relates_to IS NOT NULL;

-- Interned (type, state_key) pairs.
CREATE TABLE state_keys (
  key_nid   SERIAL PRIMARY KEY,
  type      TEXT NOT NULL,
  state_key TEXT NOT NULL,
  UNIQUE (type, state_key)
);

-- State snapshots as layered deltas: a group's state is its parent's state plus its own
-- entries, so a state event costs one row, not a copy of the room's state. Chains are cut
-- (a full snapshot is written) every 100 layers to bound lookups.
CREATE TABLE state_groups (
  group_id     BIGSERIAL PRIMARY KEY,
  room_id      TEXT NOT NULL,
  parent       BIGINT REFERENCES state_groups (group_id),
  chain_length INT NOT NULL
);
CREATE TABLE state_group_entries (
  group_id  BIGINT NOT NULL REFERENCES state_groups (group_id),
  key_nid   INT NOT NULL,
  event_nid BIGINT NOT NULL,
  PRIMARY KEY (group_id, key_nid)
);

-- The current state of each room.
CREATE TABLE room_state (
  room_id   TEXT NOT NULL,
  key_nid   INT NOT NULL,
  event_nid BIGINT NOT NULL,
  PRIMARY KEY (room_id, key_nid)
);

-- Each user's current membership per room, denormalized from room_state for listings.
CREATE TABLE room_members (
  room_id     TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  membership  TEXT NOT NULL,
  event_nid   BIGINT NOT NULL,
  stream_pos  BIGINT NOT NULL,
  displayname TEXT,
  avatar_url  TEXT,
  forgotten   BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (room_id, user_id)
);
CREATE INDEX room_members_user ON room_members (user_id, membership);

-- The room's forward extremities: the events new events point at.
CREATE TABLE room_extremities (
  room_id  TEXT NOT NULL,
  event_id TEXT NOT NULL,
  depth    BIGINT NOT NULL,
  PRIMARY KEY (room_id, event_id)
);

-- Idempotent sends: (user, device, txn id) -> event.
CREATE TABLE event_txns (
  user_id   TEXT NOT NULL,
  device_id TEXT NOT NULL,
  txn_id    TEXT NOT NULL,
  event_id  TEXT NOT NULL,
  PRIMARY KEY (user_id, device_id, txn_id)
);

CREATE TABLE receipts (
  room_id      TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  receipt_type TEXT NOT NULL,
  thread_id    TEXT NOT NULL DEFAULT '',
  event_id     TEXT NOT NULL,
  ts           BIGINT NOT NULL,
  stream_pos   BIGINT NOT NULL,
  PRIMARY KEY (room_id, user_id, receipt_type, thread_id)
);
CREATE INDEX receipts_stream ON receipts (stream_pos);

CREATE TABLE room_aliases (
  alias   TEXT PRIMARY KEY,
  room_id TEXT NOT NULL REFERENCES rooms (room_id),
  creator TEXT NOT NULL
);
CREATE INDEX room_aliases_room ON room_aliases (room_id);
