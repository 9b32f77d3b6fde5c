-- Per-event history visibility reads, for one user in one or many rooms, the room's
-- m.room.history_visibility events and the user's own m.room.member events.
CREATE INDEX events_visibility_history ON events (room_id, state_key, stream_pos)
  WHERE type IN ('m.room.history_visibility', 'm.room.member');
