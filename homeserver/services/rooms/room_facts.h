#pragma once
// What the post-commit work of every send needs about a room (its members, and the name,
// alias and power levels that notifications quote), read once and kept until the room's state
// changes. Every local event goes through RoomService, which invalidates a room after any
// commit that changed its state; a read that raced an invalidation is not kept.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "homeserver/services/rooms/room_store.h"

namespace hs::rooms {

struct RoomFacts {
  std::vector<Member> members;
  std::optional<StoredEvent> name;
  std::optional<StoredEvent> canonical_alias;
  std::optional<StoredEvent> power_levels;
};

class RoomFactsCache {
 public:
  explicit RoomFactsCache(RoomStore& store, size_t capacity = 1024) : store_(store), capacity_(capacity) {}

  std::shared_ptr<const RoomFacts> get(const std::string& room_id);
  // After a commit that changed the room's state (before its hooks run).
  void invalidate(const std::string& room_id);

 private:
  RoomStore& store_;
  const size_t capacity_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const RoomFacts>> rooms_;  // guarded by mu_
  uint64_t invalidations_ = 0;                                                // guarded by mu_
};

}  // namespace hs::rooms
