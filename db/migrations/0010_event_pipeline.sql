-- One pipeline for local and remote events (issue 13). Events now come from other servers,
-- out of order, on forks, rejected, soft-failed, as outliers and as backfilled history.

-- Only timeline events have a stream position: outliers (fetched on their own), rejected and
-- soft-failed events have none, so no stream or timeline read ever returns them. Backfilled
-- events get negative positions (backfill_stream_seq, counted downwards): they order
-- topologically in /messages but never show up in /sync, which follows positive positions.
ALTER TABLE events ALTER COLUMN stream_pos DROP NOT NULL;
CREATE SEQUENCE backfill_stream_seq;
-- The state after the event (before it, for a rejected event: it changed nothing). Outliers
-- have none: the state at them is unknown until they join the timeline.
ALTER TABLE events ALTER COLUMN state_group DROP NOT NULL;
ALTER TABLE events ADD COLUMN outlier BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE events ADD COLUMN rejected TEXT;  -- why the checks on receipt rejected it
ALTER TABLE events ADD COLUMN soft_failed BOOLEAN NOT NULL DEFAULT FALSE;
-- The DAG edges, for auth chains (state resolution) and for walking history (backfill).
ALTER TABLE events ADD COLUMN prev_ids TEXT[] NOT NULL DEFAULT '{}';
ALTER TABLE events ADD COLUMN auth_ids TEXT[] NOT NULL DEFAULT '{}';
-- PostgreSQL's json operators fail on a \u0000 anywhere in a document, so the few events that
-- hold one (stored before clients were refused NUL) are read without it, one at a time.
UPDATE events SET
  prev_ids = ARRAY(SELECT json_array_elements_text(pdu_json::json -> 'prev_events')),
  auth_ids = ARRAY(SELECT json_array_elements_text(pdu_json::json -> 'auth_events'))
WHERE strpos(pdu_json, '\u0000') = 0;
DO $$
DECLARE
  r RECORD;
  doc JSON;
BEGIN
  FOR r IN SELECT event_nid, pdu_json FROM events WHERE strpos(pdu_json, '\u0000') > 0 LOOP
    BEGIN
      doc := regexp_replace(r.pdu_json, '\\u0000', '', 'g')::json;
      UPDATE events SET
        prev_ids = ARRAY(SELECT json_array_elements_text(doc -> 'prev_events')),
        auth_ids = ARRAY(SELECT json_array_elements_text(doc -> 'auth_events'))
      WHERE event_nid = r.event_nid;
    EXCEPTION WHEN others THEN
      NULL;  -- left without edges: only state resolution reads them, and only for new forks
    END;
  END LOOP;
END $$;
-- A redaction's target: a redaction that arrives before its target is applied when the target
-- arrives (only redactions pay for this index).
ALTER TABLE events ADD COLUMN redacts TEXT;
CREATE INDEX events_redacts ON events (redacts) WHERE redacts IS NOT NULL;
-- Topological order for /messages and /context: depth, then stream position.
CREATE INDEX events_room_topo ON events (room_id, depth, stream_pos) WHERE stream_pos IS NOT NULL;

-- The prev_events of timeline events that are not in the timeline themselves (unknown, or
-- known only as outliers): where backfill continues. When one of them arrives it leaves this
-- table, and it is no forward extremity either: it already has children.
CREATE TABLE room_backward_extremities (
  room_id  TEXT NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (room_id, event_id)
);

-- When each current state entry became current: its event's position for an event that
-- extended the room, the position of the event whose arrival changed the resolution
-- otherwise (/sync's state changes between two positions).
ALTER TABLE room_state ADD COLUMN stream_pos BIGINT NOT NULL DEFAULT 0;
UPDATE room_state s SET stream_pos = e.stream_pos FROM events e WHERE e.event_nid = s.event_nid;
