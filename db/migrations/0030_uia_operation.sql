-- A UIA session is bound to the operation that started it (method, path and body without
-- `auth`, as a digest): a session begun to delete one device cannot delete another. Sessions
-- from before this column have an empty operation and match nothing, so they simply expire.
ALTER TABLE uia_sessions ADD COLUMN operation TEXT NOT NULL DEFAULT '';
