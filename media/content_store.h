#pragma once
// The media store on disk, content-addressed by SHA-256:
//   <root>/content/ab/cd/abcd…(64 hex)        one file per distinct content (dedupe)
//   <root>/thumbnails/ab/cd/abcd…/<name>      cached thumbnails of that content
//   <root>/tmp/                               files being written
// Every file is written to tmp/, fsynced and renamed into place, so a crash never leaves a
// partial file under a final name. Paths are built only from hex digests and names we
// generate, never from anything a client sent: traversal is impossible by construction.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace hs::media {

struct StoredContent {
  std::string sha256;  // lower-case hex
  std::string md5;     // lower-case hex
  int64_t size = 0;
  bool already_stored = false;  // identical content was on disk: nothing new was kept
};

class ContentWriter;

class ContentStore {
 public:
  // Creates the folders and removes temporary files a crash left behind.
  explicit ContentStore(std::string root);

  // A content written as its bytes arrive (streamed uploads); see content_writer.h.
  std::unique_ptr<ContentWriter> writer();
  StoredContent put(std::string_view bytes);
  // Throws std::logic_error unless `sha256` is 64 lower-case hex digits.
  std::string contentPath(const std::string& sha256) const;
  // `name` must be one of ours ([a-z0-9x.-]); throws std::logic_error otherwise.
  std::string thumbnailPath(const std::string& sha256, const std::string& name) const;
  void putThumbnail(const std::string& sha256, const std::string& name, std::string_view bytes);
  static bool exists(const std::string& path);
  const std::string& root() const { return root_; }

 private:
  friend class ContentWriter;
  void writeAtomically(const std::string& final_path, std::string_view bytes);
  // Renames a complete, fsynced temporary file to its final name, durably.
  void moveIntoPlace(const std::string& tmp, const std::string& final_path);
  std::string root_;
};

}  // namespace hs::media
