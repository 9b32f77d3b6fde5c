#include "media/content_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>

#include "homeserver/core/matrix_error.h"
#include "media/content_digest.h"

namespace hs::media {

namespace fs = std::filesystem;

namespace {
// An upload is written in pieces of this size, each one's writeback to disk started at once
// (sync_file_range), so the disk works while the next piece is copied and the final fsync
// has little left to wait for.
constexpr size_t kChunk = size_t{4} << 20;
// Below this, a second thread costs more than it saves.
constexpr size_t kHashAlongsideFrom = size_t{1} << 20;

// Both digests in one pass over the bytes (each piece is read from memory once, while in
// cache for the second digest).
void hashInPieces(std::string_view bytes, ContentDigest& digest) {
  for (size_t off = 0; off < bytes.size(); off += kChunk) {
    digest.update(bytes.substr(off, kChunk));
  }
}

// A full disk (or a quota, or a file size limit) is the operator's to fix and the client's to
// be told plainly: 507 Insufficient Storage. Other failures stay internal errors (500).
[[noreturn]] void throwErrno(const std::string& what) {
  const int err = errno;
  if (err == ENOSPC || err == EDQUOT || err == EFBIG) {
    spdlog::error("media store full: {}: {}", what, std::strerror(err));
    throw core::MatrixError(core::ErrCode::Unknown,
                            "The server's media storage is full: the file could not be saved", 507);
  }
  throw std::system_error(err, std::generic_category(), what);
}

// Closes a file descriptor at scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// A rename or a new entry is durable only once its folder is fsynced.
void fsyncDir(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
    throwErrno("fsync " + dir.string());
  }
}

// Creates each missing level of `dir`, fsyncing its parent so the new entry survives a crash.
void ensureDir(const fs::path& dir) {
  if (fs::is_directory(dir)) {
    return;
  }
  ensureDir(dir.parent_path());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throwErrno("mkdir " + dir.string());
  }
  fsyncDir(dir.parent_path());
}

void writeAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throwErrno("write " + path);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
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

// Unlinks a temporary file at scope exit unless it was renamed into place.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  ~TempFile() {
    if (!path_.empty()) {
      ::unlink(path_.c_str());
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  void release() { path_.clear(); }

 private:
  std::string path_;
};

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

// The name depends on the digest, so the bytes go to a temporary file while they are hashed
// and are renamed once it is known. Content already on disk costs that write (uploads of
// identical bytes are rare); it never costs the separate hashing pass it used to.
StoredContent ContentStore::put(std::string_view bytes) {
  StoredContent c;
  c.size = static_cast<int64_t>(bytes.size());
  std::string tmp = (fs::path(root_) / "tmp" / "upload-XXXXXX").string();
  Fd fd(::mkostemp(tmp.data(), O_CLOEXEC));
  if (fd.get() < 0) {
    throwErrno("mkstemp " + tmp);
  }
  TempFile guard(tmp);  // unlinked unless renamed into place
  ContentDigest digest;
  {
    // Hashing (~100 ms for 50 MiB) and copying into the page cache (about as long) are both
    // CPU-bound: a large upload hashes on a second thread while this one writes. Joined at the
    // end of this block, also when a write throws; it only reads `bytes`, which outlives it.
    std::exception_ptr hash_error;
    std::jthread hasher;
    if (bytes.size() >= kHashAlongsideFrom) {
      hasher = std::jthread([&] {
        try {
          hashInPieces(bytes, digest);
        } catch (...) {  // rethrown on this thread below
          hash_error = std::current_exception();
        }
      });
    } else {
      hashInPieces(bytes, digest);
    }
    for (size_t off = 0; off < bytes.size(); off += kChunk) {
      const std::string_view piece = bytes.substr(off, kChunk);
      writeAll(fd.get(), piece, tmp);
      // Only a hint: the fsync below is what makes the file durable.
      ::sync_file_range(fd.get(), static_cast<off_t>(off), static_cast<off_t>(piece.size()),
                        SYNC_FILE_RANGE_WRITE);
    }
    if (hasher.joinable()) {
      hasher.join();
    }
    if (hash_error) {
      std::rethrow_exception(hash_error);
    }
  }
  c.sha256 = digest.sha256Hex();
  c.md5 = digest.md5Hex();
  const std::string path = contentPath(c.sha256);
  c.already_stored = exists(path);  // a final name only ever holds complete content
  if (!c.already_stored) {
    if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) {
      throwErrno("fsync " + tmp);
    }
    moveIntoPlace(tmp, path);
    guard.release();
  }
  return c;
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
  fsyncDir(dir);
}

}  // namespace hs::media
