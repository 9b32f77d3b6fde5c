#pragma once
// PostgreSQL implementation of the room store (reads here, the locked writer in
// pg_room_writer.cpp).
#include <memory>
#include <mutex>
#include <unordered_map>

#include "db/pool.h"
#include "db/state_group_cache.h"
#include "homeserver/services/rooms/room_store.h"

namespace hs::db {

class PgRoomStore final : public rooms::RoomStore {
 public:
  explicit PgRoomStore(Pool& pool) : pool_(pool) {}

  std::unique_ptr<rooms::RoomWriter> writer(const std::string& room_id) override;
  std::optional<rooms::RoomInfo> room(const std::string& room_id) override;
  std::optional<rooms::Member> membership(const std::string& room_id, const std::string& user_id) override;
  std::vector<rooms::Member> members(const std::string& room_id) override;
  std::vector<rooms::UserRoom> roomsOfUser(const std::string& user_id) override;
  std::vector<rooms::StoredEvent> currentState(const std::string& room_id) override;
  std::vector<rooms::StoredEvent> stateAt(const std::string& room_id, int64_t stream_pos) override;
  std::optional<rooms::StoredEvent> stateEvent(const std::string& room_id, const std::string& type,
                                               const std::string& state_key) override;
  std::optional<rooms::StoredEvent> eventById(const std::string& event_id) override;
  std::vector<rooms::StoredEvent> roomEvents(const std::string& room_id, int64_t from_excl,
                                             int64_t to_incl, size_t limit, bool backwards) override;
  std::vector<rooms::StoredEvent> timeline(const rooms::TimelineQuery& q) override;
  std::vector<rooms::StoredEvent> stateChangedBetween(const std::string& room_id, int64_t from_excl,
                                                      int64_t to_incl) override;
  std::vector<std::string> roomsWithEvents(const std::vector<std::string>& room_ids,
                                           int64_t from_excl, int64_t to_incl) override;
  std::vector<std::string> usersSharingRoomWith(const std::string& user_id) override;
  void setForgotten(const std::string& room_id, const std::string& user_id) override;
  std::vector<rooms::StoredEvent> relations(const rooms::RelationsQuery& q) override;
  bool insertAlias(const std::string& alias, const std::string& room_id,
                   const std::string& creator) override;
  std::optional<std::string> aliasRoom(const std::string& alias) override;
  std::optional<std::string> aliasCreator(const std::string& alias) override;
  void deleteAlias(const std::string& alias) override;
  std::vector<std::string> roomAliases(const std::string& room_id) override;
  void moveAliases(const std::string& from_room, const std::string& to_room) override;
  std::vector<std::pair<std::string, rooms::StoredEvent>> latestEdits(
      const std::vector<std::string>& event_ids, const rooms::VisibleRange& visible) override;
  std::vector<rooms::ThreadSummary> threadSummaries(const std::vector<std::string>& root_ids,
                                                    const std::string& viewer,
                                                    const rooms::VisibleRange& visible) override;
  std::vector<std::tuple<std::string, std::string, int64_t>> annotationCounts(
      const std::vector<std::string>& event_ids, const rooms::VisibleRange& visible) override;
  // pg_room_visibility.cpp
  std::vector<rooms::StoredEvent> visibilityHistory(const std::vector<std::string>& room_ids,
                                                    const std::string& user_id) override;
  // pg_sync_reads.cpp
  std::vector<rooms::StoredEvent> stateEventOfRooms(const std::vector<std::string>& room_ids,
                                                    const std::string& type,
                                                    const std::string& state_key) override;
  std::vector<rooms::StoredEvent> latestEventsOfRooms(
      const std::vector<std::pair<std::string, int64_t>>& rooms_from, int64_t to_incl,
      size_t limit) override;
  std::vector<rooms::StoredEvent> stateAtOfRooms(
      const std::vector<std::pair<std::string, int64_t>>& rooms_at,
      const std::optional<std::map<std::string, std::set<std::string>>>& members) override;
  std::vector<rooms::StoredEvent> memberEventsOfRooms(const std::vector<std::string>& room_ids,
                                                      const std::vector<std::string>& user_ids) override;
  std::vector<std::string> usersSharingRoomAmong(const std::string& user_id,
                                                 const std::vector<std::string>& candidates) override;
  std::vector<rooms::RoomSummary> roomSummaries(const std::vector<std::string>& room_ids,
                                                const std::string& user_id, size_t max_heroes) override;

 private:
  // roomSummaries' counts, per room, at the membership version they were counted at.
  struct CachedSummary {
    int64_t version = 0;
    size_t heroes_asked = 0;  // candidates read: the viewer may be among them
    rooms::RoomSummary summary;
  };
  Pool& pool_;
  StateGroupCache state_cache_;
  std::mutex summaries_mu_;
  std::unordered_map<std::string, std::shared_ptr<const CachedSummary>> summaries_;  // guarded by summaries_mu_
};

}  // namespace hs::db
