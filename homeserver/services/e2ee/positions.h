#pragma once
// Several stream positions held by one write: taken one at a time while the transaction is
// built, all released when this object dies, i.e. after the commit (or the rollback). Each
// to-device message and each device-list change has a position of its own.
#include <cstdint>
#include <vector>

#include "homeserver/services/streams/stream_tracker.h"

namespace hs::e2ee {

class Positions {
 public:
  explicit Positions(streams::StreamTracker& tracker) : tracker_(tracker) {}
  ~Positions() {
    for (const int64_t p : held_) {
      tracker_.finish(p);
    }
  }
  Positions(const Positions&) = delete;
  Positions& operator=(const Positions&) = delete;

  int64_t take() {
    held_.reserve(held_.size() + 1);  // push_back cannot throw once the position is taken
    held_.push_back(tracker_.begin());
    return held_.back();
  }

 private:
  streams::StreamTracker& tracker_;
  std::vector<int64_t> held_;
};

}  // namespace hs::e2ee
