#include "homeserver/http/connection_responder.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "homeserver/core/matrix_error.h"
#include "homeserver/http/dispatch.h"

namespace hs::http {

namespace {
// Opens a file body on the sending thread, so the reactor never waits on the disk. A file that
// has gone since the handler chose it is a 404.
void openFileBody(Delivery& d) {
  const int fd = ::open(d.response.file_path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    d.file_fd = fd;
    d.file_size = static_cast<uint64_t>(st.st_size);
    return;
  }
  if (fd >= 0) {
    ::close(fd);
  }
  spdlog::warn("file body {} cannot be opened", d.response.file_path);
  Response missing = errorResponse(core::MatrixError(core::ErrCode::NotFound, "File not found"));
  Dispatcher::addCors(missing);
  d.response = std::move(missing);
}
}  // namespace

void ConnectionResponder::send(Response response) {
  Dispatcher::addCors(response);
  deliver(std::move(response));
}

void ConnectionResponder::sendPrepared(Response response) { deliver(std::move(response)); }

void ConnectionResponder::onRouted(const RouteNote& note) {
  {
    std::lock_guard lock(mu_);
    note_ = note;
  }
  if (note.deadline_ms > 0) {
    Delivery d;
    d.kind = Delivery::Kind::Deadline;
    d.connection = connection_;
    d.seq = seq_;
    d.note = note;
    mailbox_->post(std::move(d));
  }
}

RouteNote ConnectionResponder::note() const {
  std::lock_guard lock(mu_);
  return note_;
}

void ConnectionResponder::markDeferred() {
  Delivery d;
  d.kind = Delivery::Kind::Deferred;
  d.connection = connection_;
  d.seq = seq_;
  mailbox_->post(std::move(d));
}

void ConnectionResponder::deliver(Response response) {
  if (sent_.exchange(true)) {
    return;  // exactly once
  }
  Delivery d;
  d.connection = connection_;
  d.seq = seq_;
  d.response = std::move(response);
  if (!d.response.file_path.empty()) {
    openFileBody(d);
  }
  d.note = note();
  d.tag = tag_;
  mailbox_->post(std::move(d));
}

}  // namespace hs::http
