#pragma once
// Small POSIX helpers for files that must be complete and durable before anyone sees them:
// a file descriptor closed at scope exit, a temporary file removed unless kept, full writes
// and folder fsyncs. Used by the content store and its streaming writer.
#include <string>
#include <string_view>
#include <utility>

namespace hs::media {

[[noreturn]] void throwErrno(const std::string& what);

// Closes a file descriptor at scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd();
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// Unlinks a temporary file at scope exit unless it was renamed into place.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  std::string path_;
};

void writeAll(int fd, std::string_view bytes, const std::string& path);
// A rename or a new entry is durable only once its folder is fsynced.
void fsyncDir(const std::string& dir);

}  // namespace hs::media
