-- Server-side search (POST /search): full-text indexes over the keys the spec makes
-- searchable, content.body of m.room.message, content.name of m.room.name and content.topic of
-- m.room.topic. Expression indexes on events rather than a side table: the write path needs no
-- change, and a redaction, which replaces client_json, takes the text out of the index by
-- itself. Encrypted events have no body and are never found. The expressions must match the
-- ones db/pg_search_store.cpp queries with, character for character.
CREATE INDEX events_search_body ON events
  USING GIN (to_tsvector('english', client_json::jsonb #>> '{content,body}'))
  WHERE type = 'm.room.message';
CREATE INDEX events_search_name ON events
  USING GIN (to_tsvector('english', client_json::jsonb #>> '{content,name}'))
  WHERE type = 'm.room.name';
CREATE INDEX events_search_topic ON events
  USING GIN (to_tsvector('english', client_json::jsonb #>> '{content,topic}'))
  WHERE type = 'm.room.topic';
