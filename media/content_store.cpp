#include "media/content_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "media/content_writer.h"
#include "media/durable_file.h"

namespace hs::media {

namespace fs = std::filesystem;

namespace {
// put() hands its bytes to the writer in pieces of this size.
constexpr size_t kPiece = size_t{4} << 20;

// Creates each missing level of `dir`, fsyncing its parent so the new entry survives a crash.
void ensureDir(const fs::path& dir) {
  if (fs::is_directory(dir)) {
    return;
  }
  ensureDir(dir.parent_path());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throwErrno("mkdir " + dir.string());
  }
  fsyncDir(dir.parent_path().string());
}

bool isLowerHex(const std::string& s, size_t length) {
  return s.size() == length && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool isThumbnailName(const std::string& name) {
  return !name.empty() && name.size() <= 64 && name.front() != '.' &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '.' || c == '-';
         });
}

fs::path fanOut(const fs::path& base, const std::string& sha256) {
  if (!isLowerHex(sha256, 64)) {
    throw std::logic_error("not a sha256 hex digest");
  }
  return base / sha256.substr(0, 2) / sha256.substr(2, 2) / sha256;
}
}  // namespace

ContentStore::ContentStore(std::string root) : root_(fs::absolute(root).lexically_normal().string()) {
  for (const char* sub : {"content", "thumbnails", "tmp"}) {
    ensureDir(fs::path(root_) / sub);
  }
  for (const auto& entry : fs::directory_iterator(fs::path(root_) / "tmp")) {
    fs::remove(entry.path());  // partial writes of a crashed process
  }
}

std::unique_ptr<ContentWriter> ContentStore::writer() {
  return std::make_unique<ContentWriter>(*this);
}

StoredContent ContentStore::put(std::string_view bytes) {
  ContentWriter w(*this);
  for (size_t off = 0; off < bytes.size(); off += kPiece) {
    w.write(bytes.substr(off, kPiece));
  }
  return w.commit();
}

std::string ContentStore::contentPath(const std::string& sha256) const {
  return fanOut(fs::path(root_) / "content", sha256).string();
}

std::string ContentStore::thumbnailPath(const std::string& sha256, const std::string& name) const {
  if (!isThumbnailName(name)) {
    throw std::logic_error("not a thumbnail name");
  }
  return (fanOut(fs::path(root_) / "thumbnails", sha256) / name).string();
}

void ContentStore::putThumbnail(const std::string& sha256, const std::string& name,
                                std::string_view bytes) {
  writeAtomically(thumbnailPath(sha256, name), bytes);
}

bool ContentStore::exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Two writers of the same content race harmlessly: each renames its own complete temporary
// file over the same name.
void ContentStore::writeAtomically(const std::string& final_path, std::string_view bytes) {
  std::string tmp = (fs::path(root_) / "tmp" / "write-XXXXXX").string();
  Fd fd(::mkostemp(tmp.data(), O_CLOEXEC));
  if (fd.get() < 0) {
    throwErrno("mkstemp " + tmp);
  }
  TempFile guard(tmp);  // a failed write must not leave its temporary file behind
  writeAll(fd.get(), bytes, tmp);
  if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) {
    throwErrno("fsync " + tmp);
  }
  moveIntoPlace(tmp, final_path);
  guard.release();
}

void ContentStore::moveIntoPlace(const std::string& tmp, const std::string& final_path) {
  const fs::path dir = fs::path(final_path).parent_path();
  ensureDir(dir);
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    throwErrno("rename to " + final_path);
  }
  fsyncDir(dir.string());
}

}  // namespace hs::media
