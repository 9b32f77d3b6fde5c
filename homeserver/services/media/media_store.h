#pragma once
// What the media repository (media/) needs from storage; db/pg_media_store implements it.
// It sits under services/ rather than media/ so that db/ depends on services only.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hs::media {

// One mxc:// URI: media_id is unique per origin server.
struct MediaKey {
  std::string origin;
  std::string media_id;
};

// The file's bytes, as stored on disk and checksummed.
struct ContentInfo {
  std::string content_type;
  std::string file_type;  // image | video | audio | document | other
  std::optional<std::string> upload_name;
  int64_t size = 0;
  std::string sha256;  // lower-case hex
  std::string md5;     // lower-case hex
};

struct MediaRecord {
  MediaKey key;
  std::optional<std::string> uploader;
  std::optional<ContentInfo> content;  // empty while a /create reservation awaits its upload
  int64_t created_at = 0;
  std::optional<int64_t> unused_expires_at;
  bool quarantined = false;
  bool authenticated_only = false;
};

// A reference from an event's content to a media item.
struct MediaRef {
  MediaKey key;
  std::string field;  // "url", "info.thumbnail_url", "file.url", "info.thumbnail_file.url"
};

struct EventRef {
  std::string event_id;
  std::string room_id;
  std::string field;
};

enum class FillResult { Filled, NotFound, NotOwner, Expired, AlreadyUploaded };

class MediaStore {
 public:
  virtual ~MediaStore() = default;
  // Inserts a row with its content (a direct upload). The media id is new and random.
  virtual void insertUploaded(const MediaRecord& record) = 0;
  // Inserts a reservation made by POST /create.
  virtual void insertReservation(const MediaRecord& record) = 0;
  // How many of the user's reservations are unfilled and unexpired at `now_ms`.
  virtual int countPending(const std::string& uploader, int64_t now_ms) = 0;
  // Fills a reservation with content, atomically: only the uploader, only once, only before
  // it expires.
  virtual FillResult fillReservation(const MediaKey& key, const std::string& uploader,
                                     const ContentInfo& content, int64_t now_ms) = 0;
  virtual std::optional<MediaRecord> find(const MediaKey& key) = 0;
  // Records the references of one event; references to unknown media are skipped.
  virtual void linkEvent(const std::string& event_id, const std::string& room_id,
                         const std::vector<MediaRef>& refs) = 0;
  virtual std::vector<EventRef> eventsReferencing(const MediaKey& key) = 0;
};

}  // namespace hs::media
