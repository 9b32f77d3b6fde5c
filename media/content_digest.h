#pragma once
// SHA-256 and MD5 of content fed in pieces, so an upload is hashed chunk by chunk while it is
// written (one pass over memory, the disk busy meanwhile) rather than in separate passes.
#include <memory>
#include <string>
#include <string_view>

namespace hs::media {

class ContentDigest {
 public:
  ContentDigest();
  ~ContentDigest();
  ContentDigest(const ContentDigest&) = delete;
  ContentDigest& operator=(const ContentDigest&) = delete;

  void update(std::string_view bytes);
  // Each digest on its own, so the two can run on two threads (ContentWriter).
  void updateSha256(std::string_view bytes);
  void updateMd5(std::string_view bytes);
  // Lower-case hex; call once, after the last update.
  std::string sha256Hex();
  std::string md5Hex();

 private:
  struct Contexts;
  std::unique_ptr<Contexts> ctx_;
};

}  // namespace hs::media
