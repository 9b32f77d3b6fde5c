#include "homeserver/services/rooms/room_facts.h"

namespace hs::rooms {

std::shared_ptr<const RoomFacts> RoomFactsCache::get(const std::string& room_id) {
  uint64_t seen;
  {
    std::lock_guard lock(mu_);
    if (auto it = rooms_.find(room_id); it != rooms_.end()) {
      return it->second;
    }
    seen = invalidations_;
  }
  auto facts = std::make_shared<RoomFacts>();
  facts->members = store_.members(room_id);
  facts->name = store_.stateEvent(room_id, "m.room.name", "");
  facts->canonical_alias = store_.stateEvent(room_id, "m.room.canonical_alias", "");
  facts->power_levels = store_.stateEvent(room_id, "m.room.power_levels", "");
  std::lock_guard lock(mu_);
  // Any invalidation since the read began may have been of this room and the read may
  // predate its commit: keep nothing then (one counter for all rooms keeps this simple; state
  // changes are rare next to messages).
  if (invalidations_ == seen) {
    if (rooms_.size() >= capacity_) {
      rooms_.clear();  // crude, bounded; busy rooms come straight back
    }
    rooms_[room_id] = facts;
  }
  return facts;
}

void RoomFactsCache::invalidate(const std::string& room_id) {
  std::lock_guard lock(mu_);
  ++invalidations_;
  rooms_.erase(room_id);
}

}  // namespace hs::rooms
