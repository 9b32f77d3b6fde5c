#pragma once
// One ordered stream of positions shared by everything /sync reports from the database
// (room events, receipts, account data, to-device messages, device-list changes). A sync
// token is a position in it, so it stays exact across restarts.
//
// Positions are handed out here, not by a database sequence, so that "allocated" and
// "in flight" are one atomic step: a reader never sees position N+1 committed while N is
// still being written (it would skip N forever). Readers use safePosition(): everything at
// or below it is committed. One process writes; scale-out would move this into PostgreSQL.
#include <cstdint>
#include <mutex>
#include <set>

namespace hs::streams {

class StreamTracker {
 public:
  explicit StreamTracker(int64_t persisted_max) : next_(persisted_max + 1), safe_(persisted_max) {}

  // Reserves the next position; the caller writes it inside its transaction and calls
  // finish() (commit or rollback) exactly once. Use Reservation for RAII.
  int64_t begin();
  void finish(int64_t position);
  int64_t safePosition() const;

  class Reservation {
   public:
    explicit Reservation(StreamTracker& t) : tracker_(t), position_(t.begin()) {}
    ~Reservation() { tracker_.finish(position_); }
    Reservation(const Reservation&) = delete;
    Reservation& operator=(const Reservation&) = delete;
    int64_t position() const { return position_; }

   private:
    StreamTracker& tracker_;
    int64_t position_;
  };

 private:
  mutable std::mutex mu_;
  int64_t next_;             // guarded by mu_
  int64_t safe_;             // guarded by mu_
  std::set<int64_t> in_flight_;  // guarded by mu_
};

}  // namespace hs::streams
