#pragma once
// One content on its way into the store, written as its bytes arrive (a streamed upload never
// sits whole in memory): each piece is hashed (SHA-256 and MD5) and written to a temporary
// file at once, the disk's writeback started every 4 MiB, and commit() makes the file durable
// under its digest's name. MD5, the slower digest (about 560 MiB/s on one core), runs on a
// helper thread beside SHA-256 and the write once the content passes 1 MiB.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "media/content_digest.h"
#include "media/content_store.h"
#include "media/durable_file.h"

namespace hs::media {

class ContentWriter {
 public:
  explicit ContentWriter(ContentStore& store);
  ~ContentWriter();  // an uncommitted content's temporary file is removed
  ContentWriter(const ContentWriter&) = delete;
  ContentWriter& operator=(const ContentWriter&) = delete;

  void write(std::string_view piece);
  // Fsyncs and renames the file to its digest's name (or drops it when identical content is
  // already stored). Call once.
  StoredContent commit();
  int64_t size() const { return size_; }

 private:
  class ParallelMd5;
  ContentStore& store_;
  std::string tmp_path_;
  std::unique_ptr<Fd> fd_;
  std::unique_ptr<TempFile> guard_;
  ContentDigest digest_;
  std::unique_ptr<ParallelMd5> md5_;
  int64_t size_ = 0;
  int64_t synced_to_ = 0;  // writeback started up to here
};

}  // namespace hs::media
