-- The media repository: one row per mxc:// URI. A local upload has origin = our server name
-- and an uploader; a remote file cached here later (federation) is the same kind of row with
-- its origin server and no uploader. The bytes live on disk, content-addressed by sha256, so
-- identical uploads share one file while each row keeps its own id, name and uploader.
CREATE TABLE media (
  origin        TEXT NOT NULL,
  media_id      TEXT NOT NULL CHECK (media_id ~ '^[A-Za-z0-9_-]+$'),
  uploader      TEXT,  -- local user id; NULL for cached remote media
  content_type  TEXT,  -- as uploaded; NULL while a /create reservation awaits its bytes
  -- The seed's File.type, derived from content_type.
  file_type     TEXT CHECK (file_type IN ('image', 'video', 'audio', 'document', 'other')),
  upload_name   TEXT,
  size          BIGINT,
  sha256        TEXT CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  md5           TEXT CHECK (md5 ~ '^[0-9a-f]{32}$'),
  -- The seed's File.storage_path, relative to the media store. Derived from sha256 so it can
  -- never point anywhere else; the server computes the same path and never reads this one.
  storage_path  TEXT GENERATED ALWAYS AS (
    'content/' || substr(sha256, 1, 2) || '/' || substr(sha256, 3, 2) || '/' || sha256) STORED,
  created_at    BIGINT NOT NULL,  -- ms; for remote media: when the cache was filled
  uploaded_at   BIGINT,           -- ms; NULL while reserved by /create
  unused_expires_at BIGINT,       -- ms; a reservation not filled by then is dead
  quarantined   BOOLEAN NOT NULL DEFAULT FALSE,
  -- Uploaded while unauthenticated media was frozen: the legacy /_matrix/media/*/download and
  -- thumbnail endpoints answer 404 for it, as the spec asks of media newer than the freeze.
  authenticated_only BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (origin, media_id),
  CHECK ((uploaded_at IS NULL) = (sha256 IS NULL))
);
CREATE INDEX media_sha256 ON media (sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX media_pending ON media (uploader) WHERE uploaded_at IS NULL;

-- Which events reference which media (content.url, content.info.thumbnail_url,
-- content.file.url, content.info.thumbnail_file.url): the seed's File -> MESSAGE link.
CREATE TABLE media_event_refs (
  origin   TEXT NOT NULL,
  media_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  room_id  TEXT NOT NULL,
  field    TEXT NOT NULL,
  PRIMARY KEY (origin, media_id, event_id, field),
  FOREIGN KEY (origin, media_id) REFERENCES media (origin, media_id) ON DELETE CASCADE
);
CREATE INDEX media_event_refs_event ON media_event_refs (event_id);
