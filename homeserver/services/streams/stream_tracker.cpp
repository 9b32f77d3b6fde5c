#include "homeserver/services/streams/stream_tracker.h"

namespace hs::streams {

int64_t StreamTracker::begin() {
  std::lock_guard lock(mu_);
  const int64_t p = next_++;
  in_flight_.insert(p);
  return p;
}

void StreamTracker::finish(int64_t position) {
  std::lock_guard lock(mu_);
  in_flight_.erase(position);
  // Everything below the oldest write still in flight is settled (committed or abandoned).
  safe_ = in_flight_.empty() ? next_ - 1 : *in_flight_.begin() - 1;
}

int64_t StreamTracker::safePosition() const {
  std::lock_guard lock(mu_);
  return safe_;
}

}  // namespace hs::streams
