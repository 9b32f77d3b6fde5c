-- End-to-end encryption. The server stores and relays public keys and ciphertext, never
-- plaintext. What belongs to one local device (its identity keys, one-time and fallback keys,
-- its to-device inbox) goes with the device row (ON DELETE CASCADE), so deleting a device or
-- logging out removes it in the same transaction. Remote users' keys, when federation caches
-- them, get tables of their own.

-- A device's identity keys (DeviceKeys) as the device uploaded and signed them, without
-- `unsigned` (the display name is added from `devices` when they are read).
CREATE TABLE e2e_device_keys (
  user_id   TEXT NOT NULL,
  device_id TEXT NOT NULL,
  key_json  TEXT NOT NULL,
  PRIMARY KEY (user_id, device_id),
  FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);

-- Unclaimed one-time keys. A claim deletes the oldest (lowest seq) one, so each is handed out
-- once. key_json is the key as uploaded: a signed object or a bare string, as JSON text.
CREATE TABLE e2e_one_time_keys (
  seq       BIGSERIAL PRIMARY KEY,
  user_id   TEXT NOT NULL,
  device_id TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  key_id    TEXT NOT NULL,
  key_json  TEXT NOT NULL,
  UNIQUE (user_id, device_id, algorithm, key_id),
  FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);
CREATE INDEX e2e_one_time_keys_claim ON e2e_one_time_keys (user_id, device_id, algorithm, seq);

-- At most one fallback key per (device, algorithm); claims reuse it and mark it used until
-- the device uploads a replacement.
CREATE TABLE e2e_fallback_keys (
  user_id   TEXT NOT NULL,
  device_id TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  key_id    TEXT NOT NULL,
  key_json  TEXT NOT NULL,
  used      BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (user_id, device_id, algorithm),
  FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);

-- A user's current cross-signing keys, one per type, as uploaded (with the master key's
-- signatures on the other two). public_key is the unpadded base64 ed25519 key, which is also
-- the key id after "ed25519:".
CREATE TABLE e2e_cross_signing_keys (
  user_id    TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  key_type   TEXT NOT NULL CHECK (key_type IN ('master', 'self_signing', 'user_signing')),
  public_key TEXT NOT NULL,
  key_json   TEXT NOT NULL,
  PRIMARY KEY (user_id, key_type)
);

-- Signatures uploaded through /keys/signatures/upload, merged into the signed objects when
-- they are read: a self-signing key's signature of a device (target_key = device id), a
-- device's signature of its master key, another user's user-signing key's signature of a
-- master key (target_key = the public key; shown only to the signer).
CREATE TABLE e2e_signatures (
  target_user   TEXT NOT NULL,
  target_key    TEXT NOT NULL,
  signer_user   TEXT NOT NULL,
  signer_key_id TEXT NOT NULL,  -- "ed25519:<device id or public key>"
  signature     TEXT NOT NULL,
  PRIMARY KEY (target_user, target_key, signer_user, signer_key_id)
);

-- Every change to a user's device list, one stream position each: device keys uploaded or
-- changed, a device renamed or deleted, or (device_id NULL) the cross-signing keys changed.
-- /sync and /keys/changes read ranges of it; federation's m.device_list_update needs a
-- user's consecutive positions (stream_id, prev_id), so rows are kept.
CREATE TABLE device_list_changes (
  stream_pos BIGINT PRIMARY KEY,
  user_id    TEXT NOT NULL,
  device_id  TEXT,
  deleted    BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX device_list_changes_user ON device_list_changes (user_id, stream_pos);

-- To-device messages waiting for their device, one stream position each. A /sync with
-- since = S deletes the device's messages at or below S: they reached the client, which
-- asked for what comes after them.
CREATE TABLE to_device_messages (
  stream_pos BIGINT PRIMARY KEY,
  user_id    TEXT NOT NULL,
  device_id  TEXT NOT NULL,
  sender     TEXT NOT NULL,
  type       TEXT NOT NULL,
  content    TEXT NOT NULL,  -- JSON object
  FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);
CREATE INDEX to_device_inbox ON to_device_messages (user_id, device_id, stream_pos);

-- The highest position a device acknowledged (its deleted messages). It keeps the stream's
-- high-water mark when the newest rows anywhere were to-device messages that are now gone,
-- so a restart never hands out a position a client has already synced past.
CREATE TABLE to_device_acks (
  user_id    TEXT NOT NULL,
  device_id  TEXT NOT NULL,
  stream_pos BIGINT NOT NULL,
  PRIMARY KEY (user_id, device_id),
  FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);

-- Transaction ids of PUT /sendToDevice per sending device: a retried request queues nothing.
CREATE TABLE to_device_txns (
  user_id   TEXT NOT NULL,
  device_id TEXT NOT NULL,
  txn_id    TEXT NOT NULL,
  PRIMARY KEY (user_id, device_id, txn_id),
  FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);

-- Server-side key backups. Versions count up per user and are never reused; the current
-- version is the highest one not deleted. etag counts changes to a version's keys.
CREATE TABLE e2e_backup_versions (
  user_id   TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  version   BIGINT NOT NULL,
  algorithm TEXT NOT NULL,
  auth_data TEXT NOT NULL,  -- JSON object
  etag      BIGINT NOT NULL DEFAULT 0,
  deleted   BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (user_id, version)
);

CREATE TABLE e2e_backup_keys (
  user_id             TEXT NOT NULL,
  version             BIGINT NOT NULL,
  room_id             TEXT NOT NULL,
  session_id          TEXT NOT NULL,
  first_message_index BIGINT NOT NULL,
  forwarded_count     BIGINT NOT NULL,
  is_verified         BOOLEAN NOT NULL,
  session_data        TEXT NOT NULL,  -- JSON object, encrypted by the client
  PRIMARY KEY (user_id, version, room_id, session_id),
  FOREIGN KEY (user_id, version) REFERENCES e2e_backup_versions (user_id, version) ON DELETE CASCADE
);

-- Device-list changes in /sync look for members whose membership changed in a range of
-- stream positions, room by room.
CREATE INDEX room_members_room_stream ON room_members (room_id, stream_pos);
