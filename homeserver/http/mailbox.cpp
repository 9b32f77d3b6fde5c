#include "homeserver/http/mailbox.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <system_error>

namespace hs::http {

void closeFileOf(Delivery& d) {
  if (d.file_fd >= 0) {
    ::close(d.file_fd);
    d.file_fd = -1;
  }
}

Mailbox::Mailbox() : event_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (event_fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "eventfd");
  }
}

Mailbox::~Mailbox() {
  for (auto& d : items_) {
    closeFileOf(d);
  }
  ::close(event_fd_);
}

// The eventfd is written only when the queue goes from empty to not empty: a reactor busy with
// a burst of responses takes them all with one wake-up.
void Mailbox::post(Delivery delivery) {
  bool was_empty = false;
  {
    std::lock_guard lock(mu_);
    if (closed_) {
      closeFileOf(delivery);
      return;
    }
    was_empty = items_.empty();
    items_.push_back(std::move(delivery));
  }
  if (was_empty) {
    wake();
  }
}

std::vector<Delivery> Mailbox::take() {
  uint64_t count = 0;
  [[maybe_unused]] const ssize_t n = ::read(event_fd_, &count, sizeof count);
  std::lock_guard lock(mu_);
  return std::exchange(items_, {});
}

void Mailbox::close() {
  std::vector<Delivery> dropped;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    dropped.swap(items_);
  }
  for (auto& d : dropped) {
    closeFileOf(d);
  }
}

void Mailbox::wake() {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(event_fd_, &one, sizeof one);
}

}  // namespace hs::http
