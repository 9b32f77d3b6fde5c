-- Where a member's history starts for rooms with history_visibility "joined" or "invited":
-- the event that began the latest join (a profile change, being another join, does not move
-- it) and the invite that led to that join. Kept after leaving, so a former member still sees
-- what they saw while joined. Existing rows start from their latest membership event.
ALTER TABLE room_members ADD COLUMN join_since BIGINT;
ALTER TABLE room_members ADD COLUMN invite_since BIGINT;
UPDATE room_members SET join_since = stream_pos WHERE membership = 'join';
UPDATE room_members SET invite_since = stream_pos WHERE membership = 'invite';
