-- Indexes found by profiling the benchmark scenarios (bench/run.sh).
-- Every sent event and every read receipt marks the sender's unread notifications of that room
-- read. notifications_unread covers notify rows only, so feed-only rows (group updates) made
-- that update scan all of the user's notifications (2 ms per send for a user with ~1,300).
CREATE INDEX notifications_receipt ON notifications (user_id, room_id) WHERE NOT receipt_read;
-- Membership changes in a stream range (device-list changes in /sync: who joined a room the
-- user shares), instead of listing every member of every room of the user.
CREATE INDEX room_members_stream ON room_members (stream_pos);
