#pragma once
// Who is typing in which room. In memory only: typing notices are worth nothing after a
// restart. Every change bumps a serial that /sync tokens carry.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "homeserver/core/clock.h"

namespace hs::ephemeral {

class TypingTracker {
 public:
  explicit TypingTracker(const core::Clock& clock) : clock_(clock) {}
  // Returns true when the room's typing set changed.
  bool set(const std::string& room_id, const std::string& user_id, bool typing, int64_t timeout_ms);
  std::vector<std::string> typing(const std::string& room_id);
  // Both expire lapsed notices first, so that an expiry counts as a change /sync reports
  // (otherwise others would see the user typing until the next explicit change).
  int64_t serial();
  // The serial of the room's last change (0 if never).
  int64_t roomSerial(const std::string& room_id);

 private:
  void expireLocked(const std::string& room_id, int64_t now);
  struct Room {
    std::map<std::string, int64_t> until;  // user -> expiry (ms)
    int64_t serial = 0;
  };
  const core::Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::string, Room> rooms_;  // guarded by mu_
  int64_t serial_ = 0;                 // guarded by mu_
};

}  // namespace hs::ephemeral
