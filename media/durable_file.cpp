#include "media/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace hs::media {

void throwErrno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

Fd::~Fd() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

TempFile::~TempFile() {
  if (!path_.empty()) {
    ::unlink(path_.c_str());
  }
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

void fsyncDir(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
    throwErrno("fsync " + dir);
  }
}

}  // namespace hs::media
