-- Server-side search (POST /search): full-text indexes over the keys the spec makes
-- searchable, content.body of m.room.message, content.name of m.room.name and content.topic of
-- m.room.topic. Expression indexes on events rather than a side table: the write path needs no
-- change, and a redaction, which replaces client_json, takes the text out of the index by
-- itself. Encrypted events have no body and are never found.
--
-- The text is read through parley_search_vector, which answers NULL instead of failing: a
-- stored event may hold what jsonb refuses (\u0000, from before clients were refused it or
-- from other servers, or nesting deeper than jsonb parses), and an index expression that
-- throws would make writing such an event fail. db/pg_search_store.cpp queries with the same
-- calls, so the planner uses these indexes.
CREATE FUNCTION parley_search_vector(client_json TEXT, field TEXT) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN to_tsvector('english', (client_json::jsonb -> 'content') ->> field);
EXCEPTION WHEN others THEN
  RETURN NULL;
END
$$;
CREATE INDEX events_search_body ON events USING GIN (parley_search_vector(client_json, 'body'))
  WHERE type = 'm.room.message';
CREATE INDEX events_search_name ON events USING GIN (parley_search_vector(client_json, 'name'))
  WHERE type = 'm.room.name';
CREATE INDEX events_search_topic ON events USING GIN (parley_search_vector(client_json, 'topic'))
  WHERE type = 'm.room.topic';
