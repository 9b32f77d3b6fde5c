-- Invites of local users to rooms of other servers (invite v2, issue 15). This server may not
-- know anything of such a room but the invite: the room's stripped state as the inviting server
-- sent it (invite_room_state, stripped to type/state_key/sender/content, the invite itself last)
-- is kept here for /sync's invite section. room_members points at the invite, an outlier.
CREATE TABLE remote_invites (
  room_id      TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  event_id     TEXT NOT NULL,
  invite_state TEXT NOT NULL,  -- a JSON array of stripped events
  PRIMARY KEY (room_id, user_id)
);
