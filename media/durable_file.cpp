#include "media/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "homeserver/core/matrix_error.h"

namespace hs::media {

// A full disk (or a quota, or a file size limit) is the operator's to fix and the client's to
// be told plainly: 507 Insufficient Storage. Other failures stay internal errors (500).
void throwErrno(const std::string& what) {
  const int err = errno;
  if (err == ENOSPC || err == EDQUOT || err == EFBIG) {
    spdlog::error("media store full: {}: {}", what, std::strerror(err));
    throw core::MatrixError(core::ErrCode::Unknown,
                            "The server's media storage is full: the file could not be saved", 507);
  }
  throw std::system_error(err, std::generic_category(), what);
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
